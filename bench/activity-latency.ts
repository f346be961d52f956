import { Client, Connection, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import type { AppConfig } from '../libs/config';
import { temporalConnectionOptions } from '../libs/temporal/connection-options';
import { percentile } from './bench-support';

const { EventType } = temporal.api.enums.v1;

interface Spans {
  /** Scheduled → started: how long a task waited for a worker slot. */
  waitMs: number[];
  /** Started → completed: how long it ran. */
  runMs: number[];
}

/**
 * Where a workflow's time goes, read from the histories of some finished workflows (ids of workflows never
 * started are skipped): for each activity type and for workflow tasks, p50/p99 of queue wait (scheduled →
 * started) and of run time (started → closed). A long wait points at worker slots or pollers; a long run at
 * the activity's own work.
 */
export async function activityLatency(
  config: Pick<AppConfig, 'temporal'>,
  workflowIds: string[],
): Promise<
  Record<string, { count: number; wait_p50_ms: number; wait_p99_ms: number; run_p50_ms: number; run_p99_ms: number }>
> {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace });
    const byType = new Map<string, Spans>();
    const spansOf = (type: string) => byType.get(type) ?? byType.set(type, { waitMs: [], runMs: [] }).get(type)!;
    for (const workflowId of workflowIds) {
      const handle = client.workflow.getHandle(workflowId);
      // A child that was never needed (the webhook went through at the job's own first attempt).
      if (!(await workflowExists(handle))) continue;
      const history = await handle.fetchHistory();
      const scheduled = new Map<number, { type: string; at: number }>();
      const started = new Map<number, number>();
      for (const event of history.events ?? []) {
        const id = Number(event.eventId);
        const at = tsToMs(event.eventTime);
        switch (event.eventType) {
          case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            scheduled.set(id, { type: event.activityTaskScheduledEventAttributes!.activityType!.name!, at });
            break;
          case EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
            scheduled.set(id, { type: '(workflow task)', at });
            break;
          case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
          case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED: {
            const from = Number(
              (event.activityTaskStartedEventAttributes ?? event.workflowTaskStartedEventAttributes)!.scheduledEventId,
            );
            const task = scheduled.get(from);
            if (task) spansOf(task.type).waitMs.push(at - task.at);
            started.set(from, at);
            break;
          }
          case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
          case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: {
            const from = Number(
              (event.activityTaskCompletedEventAttributes ?? event.workflowTaskCompletedEventAttributes)!
                .scheduledEventId,
            );
            const task = scheduled.get(from);
            const startedAt = started.get(from);
            if (task && startedAt !== undefined) spansOf(task.type).runMs.push(at - startedAt);
            break;
          }
        }
      }
    }
    return Object.fromEntries(
      [...byType].map(([type, { waitMs, runMs }]) => [
        type,
        {
          count: waitMs.length,
          wait_p50_ms: percentile(waitMs, 0.5),
          wait_p99_ms: percentile(waitMs, 0.99),
          run_p50_ms: percentile(runMs, 0.5),
          run_p99_ms: percentile(runMs, 0.99),
        },
      ]),
    );
  } finally {
    await connection.close();
  }
}

function workflowExists(handle: WorkflowHandle): Promise<boolean> {
  return handle.describe().then(
    () => true,
    (error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    },
  );
}
