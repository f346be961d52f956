import type { AppConfig } from '../libs/config';
import type { IdempotencyKeysRepository } from '../libs/db/idempotency-keys.repository';
import type { JobChunksRepository } from '../libs/db/job-chunks.repository';
import type { JobsRepository } from '../libs/db/jobs.repository';
import type { LiveSessionsRepository } from '../libs/db/live-sessions.repository';
import type { MaintenanceRepository } from '../libs/db/maintenance.repository';
import type { TranscriptsRepository } from '../libs/db/transcripts.repository';
import type { WebhookSecretsRepository } from '../libs/db/webhook-secrets.repository';
import type { WebhooksRepository } from '../libs/db/webhooks.repository';
import type { JobsService } from '../libs/jobs/jobs.service';
import type { LiveSessionsService } from '../libs/live/live-sessions.service';
import type { WorkerMetrics } from '../libs/metrics/worker-metrics';
import type { GuardedHttpClient } from '../libs/net/guarded-http';
import type { ProviderRegistry } from '../libs/providers/provider-registry';
import type { LocalStorage } from '../libs/storage/local-storage';
import type { TranscriptStore } from '../libs/transcripts/transcript-store';

/** Everything activities need from the outside world, built once by the worker (apps/worker/activity-deps.provider.ts). */
export interface ActivityDeps {
  config: AppConfig;
  storage: LocalStorage;
  http: GuardedHttpClient;
  providers: ProviderRegistry;
  jobs: JobsRepository;
  chunks: JobChunksRepository;
  transcripts: TranscriptsRepository;
  transcriptStore: TranscriptStore;
  webhooks: WebhooksRepository;
  secrets: WebhookSecretsRepository;
  metrics: WorkerMetrics;
  idempotency: IdempotencyKeysRepository;
  maintenance: MaintenanceRepository;
  liveSessions: LiveSessionsRepository;
  jobsService: JobsService;
  liveSessionsService: LiveSessionsService;
}
