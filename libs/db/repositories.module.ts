import { Global, Module, type Provider } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { ApiKeysRepository } from './api-keys.repository';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { JobChunksRepository } from './job-chunks.repository';
import { JobsRepository } from './jobs.repository';
import { LiveSessionsRepository } from './live-sessions.repository';
import { MaintenanceRepository } from './maintenance.repository';
import { TenantsRepository } from './tenants.repository';
import { TranscriptsRepository } from './transcripts.repository';
import { ViewerTokensRepository } from './viewer-tokens.repository';
import { WebhookSecretsRepository } from './webhook-secrets.repository';
import { WebhooksRepository } from './webhooks.repository';

const REPOSITORIES = [
  ApiKeysRepository,
  IdempotencyKeysRepository,
  JobChunksRepository,
  JobsRepository,
  LiveSessionsRepository,
  MaintenanceRepository,
  TenantsRepository,
  TranscriptsRepository,
  ViewerTokensRepository,
  WebhookSecretsRepository,
  WebhooksRepository,
];

/** Every repository on the process's one connection, with its indexes built before the app serves. */
@Global()
@Module({
  providers: REPOSITORIES.map((Repository): Provider => ({
    provide: Repository,
    inject: [getConnectionToken()],
    useFactory: async (connection: Connection) => {
      const repository = new Repository(connection);
      await repository.init();
      return repository;
    },
  })),
  exports: REPOSITORIES,
})
export class RepositoriesModule {}
