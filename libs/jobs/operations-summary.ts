import type { JobsRepository } from '../db/jobs.repository';
import type { WebhooksRepository } from '../db/webhooks.repository';

const HOUR_MS = 60 * 60 * 1000;

/** What an on-call engineer reads first: the queue, the last hour's outcomes, webhook failures and errors. */
export interface OperationsSummary {
  generated_at: string;
  /** `tenant` for a tenant's admin key (GET /v1/admin/summary), `all` on the worker's metrics port. */
  scope: 'tenant' | 'all';
  /** Jobs accepted and not yet picked up by a worker. */
  queue_depth: number;
  jobs: {
    queued: number;
    processing: number;
    completed_last_hour: number;
    failed_last_hour: number;
    cancelled_last_hour: number;
  };
  webhook_failures_last_hour: number;
  /** Jobs that failed in the last hour, by error code. */
  errors_last_hour: Record<string, number>;
}

export async function operationsSummary(
  { jobs, webhooks }: { jobs: JobsRepository; webhooks: WebhooksRepository },
  tenantId?: string,
  now = new Date(),
): Promise<OperationsSummary> {
  const since = new Date(now.getTime() - HOUR_MS);
  const [activity, webhookFailures] = await Promise.all([
    jobs.activitySince(since, tenantId),
    webhooks.failedAttemptsSince(since, tenantId),
  ]);
  const ended = activity.endedByStatus;
  return {
    generated_at: now.toISOString(),
    scope: tenantId ? 'tenant' : 'all',
    queue_depth: activity.queued,
    jobs: {
      queued: activity.queued,
      processing: activity.processing,
      completed_last_hour: ended.completed ?? 0,
      failed_last_hour: ended.failed ?? 0,
      cancelled_last_hour: ended.cancelled ?? 0,
    },
    webhook_failures_last_hour: webhookFailures,
    errors_last_hour: activity.failedByCode,
  };
}
