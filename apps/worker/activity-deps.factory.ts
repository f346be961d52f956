import type { Connection } from 'mongoose';
import type { ActivityDeps } from '../../activities';
import type { AppConfig } from '../../libs/config';
import { IdempotencyKeysRepository } from '../../libs/db/idempotency-keys.repository';
import { JobChunksRepository } from '../../libs/db/job-chunks.repository';
import { JobsRepository } from '../../libs/db/jobs.repository';
import { LiveSessionsRepository } from '../../libs/db/live-sessions.repository';
import { MaintenanceRepository } from '../../libs/db/maintenance.repository';
import { TranscriptsRepository } from '../../libs/db/transcripts.repository';
import { WebhookSecretsRepository } from '../../libs/db/webhook-secrets.repository';
import { WebhooksRepository } from '../../libs/db/webhooks.repository';
import { WorkerMetrics } from '../../libs/metrics/worker-metrics';
import { GuardedHttpClient } from '../../libs/net/guarded-http';
import { OutboundPolicy } from '../../libs/net/outbound-policy';
import { ProviderRegistry } from '../../libs/providers/provider-registry';
import { LocalStorage } from '../../libs/storage/local-storage';

/** Builds what the activities need from config and the process's mongoose connection, indexes ready. */
export async function buildActivityDeps(config: AppConfig, connection: Connection): Promise<ActivityDeps> {
  const deps: ActivityDeps = {
    config,
    storage: new LocalStorage(config.storage.dir),
    http: new GuardedHttpClient(new OutboundPolicy(config.outbound.allowCidrs)),
    providers: new ProviderRegistry(config.providers),
    jobs: new JobsRepository(connection),
    chunks: new JobChunksRepository(connection),
    transcripts: new TranscriptsRepository(connection),
    webhooks: new WebhooksRepository(connection),
    secrets: new WebhookSecretsRepository(connection),
    metrics: new WorkerMetrics(),
    idempotency: new IdempotencyKeysRepository(connection),
    maintenance: new MaintenanceRepository(connection),
    // Read and trimmed by retention only; the API, which writes live sessions, builds their indexes.
    liveSessions: new LiveSessionsRepository(connection),
  };
  await Promise.all([
    deps.jobs.init(),
    deps.chunks.init(),
    deps.transcripts.init(),
    deps.webhooks.init(),
    deps.secrets.init(),
  ]);
  return deps;
}
