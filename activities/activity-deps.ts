import type { AppConfig } from '../libs/config';
import type { IdempotencyKeysRepository } from '../libs/db/idempotency-keys.repository';
import type { JobChunksRepository } from '../libs/db/job-chunks.repository';
import type { JobsRepository } from '../libs/db/jobs.repository';
import type { LiveSessionsRepository } from '../libs/db/live-sessions.repository';
import type { MaintenanceRepository } from '../libs/db/maintenance.repository';
import type { TranscriptsRepository } from '../libs/db/transcripts.repository';
import type { WebhookSecretsRepository } from '../libs/db/webhook-secrets.repository';
import type { WebhooksRepository } from '../libs/db/webhooks.repository';
import type { WorkerMetrics } from '../libs/metrics/worker-metrics';
import type { GuardedHttpClient } from '../libs/net/guarded-http';
import type { ProviderRegistry } from '../libs/providers/provider-registry';
import type { LocalStorage } from '../libs/storage/local-storage';

/** Everything activities need from the outside world, built once by the worker. */
export interface ActivityDeps {
  config: AppConfig;
  storage: LocalStorage;
  http: GuardedHttpClient;
  providers: ProviderRegistry;
  jobs: JobsRepository;
  chunks: JobChunksRepository;
  transcripts: TranscriptsRepository;
  webhooks: WebhooksRepository;
  secrets: WebhookSecretsRepository;
  metrics: WorkerMetrics;
  idempotency: IdempotencyKeysRepository;
  maintenance: MaintenanceRepository;
  liveSessions: LiveSessionsRepository;
}
