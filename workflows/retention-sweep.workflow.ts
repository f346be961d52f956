import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../libs/contracts/activities';
import { MAINTENANCE } from './activity-profiles';

const maintenance =
  proxyActivities<
    Pick<
      Activities,
      | 'removeExpiredMedia'
      | 'removeExpiredTranscripts'
      | 'removeExpiredChunks'
      | 'removeExpiredWebhookDeliveries'
      | 'removeExpiredJobs'
      | 'removeExpiredLiveTranscripts'
      | 'endAbandonedLiveSessions'
      | 'removeExpiredIdempotencyKeys'
      | 'restartStrandedJobs'
    >
  >(MAINTENANCE);

export interface RetentionReport {
  mediaRemoved: number;
  transcriptsRemoved: number;
  /** Jobs whose per-chunk results were removed (CHUNK_RETENTION_HOURS above 0). */
  chunksRemoved: number;
  /** Webhook bodies and delivery records. */
  webhookDeliveriesRemoved: number;
  /** Jobs deleted whole (JOB_RETENTION_DAYS). */
  jobsRemoved: number;
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
    chunksRemoved: await maintenance.removeExpiredChunks(),
    webhookDeliveriesRemoved: await maintenance.removeExpiredWebhookDeliveries(),
    jobsRemoved: await maintenance.removeExpiredJobs(),
    liveTranscriptsRemoved: await maintenance.removeExpiredLiveTranscripts(),
    abandonedLiveSessionsEnded: await maintenance.endAbandonedLiveSessions(),
    idempotencyKeysRemoved: await maintenance.removeExpiredIdempotencyKeys(),
    strandedJobsStarted: await maintenance.restartStrandedJobs(),
  };
}
