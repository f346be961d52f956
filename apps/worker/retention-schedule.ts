import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { AppConfig } from '../../libs/config';
import type { retentionSweep } from '../../workflows/retention-sweep.workflow';

/** One schedule per task queue, so separate deployments sharing a namespace keep their own. */
export function retentionScheduleId(taskQueue: string): string {
  return taskQueue === 'voxflow-jobs' ? 'voxflow-retention' : `voxflow-retention-${taskQueue}`;
}

/**
 * Creates (or updates) the Temporal Schedule that runs `retentionSweep`. Idempotent: every worker calls it
 * at start, and a concurrent creator simply finds the schedule there.
 */
export async function ensureRetentionSchedule(client: Client, config: AppConfig): Promise<string | undefined> {
  const minutes = config.retention.sweepIntervalMinutes;
  if (minutes === 0) return undefined;
  const scheduleId = retentionScheduleId(config.temporal.taskQueue);
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'retentionSweep',
    workflowId: scheduleId,
    taskQueue: config.temporal.taskQueue,
    args: [] as Parameters<typeof retentionSweep>,
  };
  const spec = { intervals: [{ every: `${minutes} minutes` }] };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
  }
  return scheduleId;
}
