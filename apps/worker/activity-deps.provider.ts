import { Injectable } from '@nestjs/common';
import type { ActivityDeps } from '../../activities';
import { InjectConfig, type AppConfig } from '../../libs/config';
import { IdempotencyKeysRepository } from '../../libs/db/idempotency-keys.repository';
import { JobChunksRepository } from '../../libs/db/job-chunks.repository';
import { JobsRepository } from '../../libs/db/jobs.repository';
import { LiveSessionsRepository } from '../../libs/db/live-sessions.repository';
import { MaintenanceRepository } from '../../libs/db/maintenance.repository';
import { TranscriptsRepository } from '../../libs/db/transcripts.repository';
import { WebhookSecretsRepository } from '../../libs/db/webhook-secrets.repository';
import { WebhooksRepository } from '../../libs/db/webhooks.repository';
import { JobsService } from '../../libs/jobs/jobs.service';
import { LiveSessionsService } from '../../libs/live/live-sessions.service';
import { WorkerMetrics } from '../../libs/metrics/worker-metrics';
import { GuardedHttpClient } from '../../libs/net/guarded-http';
import { ProviderRegistry } from '../../libs/providers/provider-registry';
import { LocalStorage } from '../../libs/storage/local-storage';
import { TranscriptStore } from '../../libs/transcripts/transcript-store';

/** What the activities need, taken from the process's one set of services (CoreModule) and its metrics. */
@Injectable()
export class WorkerActivityDeps implements ActivityDeps {
  constructor(
    @InjectConfig() readonly config: AppConfig,
    readonly storage: LocalStorage,
    readonly http: GuardedHttpClient,
    readonly providers: ProviderRegistry,
    readonly jobs: JobsRepository,
    readonly chunks: JobChunksRepository,
    readonly transcripts: TranscriptsRepository,
    readonly transcriptStore: TranscriptStore,
    readonly webhooks: WebhooksRepository,
    readonly secrets: WebhookSecretsRepository,
    readonly metrics: WorkerMetrics,
    readonly idempotency: IdempotencyKeysRepository,
    readonly maintenance: MaintenanceRepository,
    readonly liveSessions: LiveSessionsRepository,
    readonly jobsService: JobsService,
    readonly liveSessionsService: LiveSessionsService,
  ) {}
}
