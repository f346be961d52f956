import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { ApiMetrics } from '../../../libs/metrics/api-metrics';

const TASK_TYPES = {
  workflow: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  activity: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
} as const;

const DESCRIBE_TIMEOUT_MS = 2_000;

/**
 * Sets the backlog gauges from Temporal's task-queue statistics (`reportStats`), the signal for "add
 * workers" that CPU cannot give. On failure the gauges are cleared rather than left stale.
 */
export async function refreshTaskQueueBacklog(
  metrics: ApiMetrics,
  connection: Connection,
  namespace: string,
  taskQueue: string,
): Promise<void> {
  try {
    const answers = await Promise.all(
      Object.entries(TASK_TYPES).map(async ([type, taskQueueType]) => {
        const answer = await connection.withDeadline(Date.now() + DESCRIBE_TIMEOUT_MS, () =>
          connection.workflowService.describeTaskQueue({
            namespace,
            taskQueue: { name: taskQueue },
            taskQueueType,
            reportStats: true,
          }),
        );
        return { type, stats: answer.stats };
      }),
    );
    for (const { type, stats } of answers) {
      const labels = { task_queue: taskQueue, type };
      metrics.taskQueueBacklog.set(labels, Number(stats?.approximateBacklogCount ?? 0));
      metrics.taskQueueBacklogAge.set(labels, durationSeconds(stats?.approximateBacklogAge));
    }
  } catch {
    metrics.taskQueueBacklog.reset();
    metrics.taskQueueBacklogAge.reset();
  }
}

function durationSeconds(duration: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  if (!duration) return 0;
  return Number(duration.seconds ?? 0) + (duration.nanos ?? 0) / 1e9;
}
