import { proxyActivities } from '@temporalio/workflow';
import type { Activities, WorkerDescription } from '../libs/contracts/activities';
import { SHORT_IO } from './activity-profiles';

const { describeWorker } = proxyActivities<Pick<Activities, 'describeWorker'>>({
  ...SHORT_IO,
  // A canary should answer quickly or say no worker is polling; it must not wait out long retries.
  scheduleToCloseTimeout: '1 minute',
});

/** Runs one activity on whichever worker polls the queue: proof that the whole path works. */
export async function workerCanary(): Promise<WorkerDescription> {
  return describeWorker();
}
