import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { MAINTENANCE } from './activity-profiles';

const maintenance = proxyActivities<Activities>(MAINTENANCE);

export interface RetentionReport {
  mediaRemoved: number;
  transcriptsRemoved: number;
  idempotencyKeysRemoved: number;
  strandedJobsStarted: number;
}

/** Run hourly by the `voxflow-retention` Schedule (visible under Schedules in the Temporal UI). */
export async function retentionSweep(): Promise<RetentionReport> {
  return {
    mediaRemoved: await maintenance.removeExpiredMedia(),
    transcriptsRemoved: await maintenance.removeExpiredTranscripts(),
    idempotencyKeysRemoved: await maintenance.removeExpiredIdempotencyKeys(),
    strandedJobsStarted: await maintenance.restartStrandedJobs(),
  };
}
