import { Client, Connection } from '@temporalio/client';
import type { AppConfig } from '../../libs/config';
import type { WorkerDescription } from '../../libs/contracts/activities';
import type { workerCanary } from '../../workflows/worker-canary.workflow';

/**
 * Proves a worker polls the task queue: runs the canary workflow, which completes only when a worker
 * executes its activity. Answers with what that worker reported about itself.
 */
export async function waitForWorker(config: AppConfig, timeoutMs = 90_000): Promise<WorkerDescription> {
  const connection = await Connection.connect({ address: config.temporal.address });
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace });
    return await client.workflow.execute<typeof workerCanary>('workerCanary', {
      workflowId: `voxflow-canary-${Date.now().toString(36)}`,
      taskQueue: config.temporal.taskQueue,
      workflowExecutionTimeout: `${Math.ceil(timeoutMs / 1000)} seconds`,
    });
  } finally {
    await connection.close();
  }
}
