import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../libs/contracts/activities';
import { MAINTENANCE } from './activity-profiles';

const maintenance =
  proxyActivities<
    Pick<
      Activities,
      | 'removeExpiredMedia'
      | 'removeExpiredTranscripts'
      | 'removeExpiredLiveTranscripts'
      | 'endAbandonedLiveSessions'
      | 'removeExpiredIdempotencyKeys'
      | 'restartStrandedJobs'
    >
  >(MAINTENANCE);

export interface RetentionReport {
  mediaRemoved: number;
  transcriptsRemoved: number;
  /** Live sessions whose final lines were removed. */
  liveTranscriptsRemoved: number;
  /** Live sessions of crashed API instances, now recorded as ended. */
  abandonedLiveSessionsEnded: number;
  idempotencyKeysRemoved: number;
  strandedJobsStarted: number;
}

/** Run hourly by the `voxflow-retention` Schedule (visible under Schedules in the Temporal UI). */
export async function retentionSweep(): Promise<RetentionReport> {
  return {
    mediaRemoved: await maintenance.removeExpiredMedia(),
    transcriptsRemoved: await maintenance.removeExpiredTranscripts(),
    liveTranscriptsRemoved: await maintenance.removeExpiredLiveTranscripts(),
    abandonedLiveSessionsEnded: await maintenance.endAbandonedLiveSessions(),
    idempotencyKeysRemoved: await maintenance.removeExpiredIdempotencyKeys(),
    strandedJobsStarted: await maintenance.restartStrandedJobs(),
  };
}
