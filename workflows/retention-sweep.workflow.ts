import { patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { MAINTENANCE } from './activity-profiles';

const maintenance = proxyActivities<Activities>(MAINTENANCE);

export interface RetentionReport {
  mediaRemoved: number;
  transcriptsRemoved: number;
  /** Live sessions whose final lines were removed (absent from sweeps started before it existed). */
  liveTranscriptsRemoved?: number;
  /** Live sessions of crashed API instances, now recorded as ended (likewise absent from older sweeps). */
  abandonedLiveSessionsEnded?: number;
  idempotencyKeysRemoved: number;
  strandedJobsStarted: number;
}

/** Run hourly by the `voxflow-retention` Schedule (visible under Schedules in the Temporal UI). */
export async function retentionSweep(): Promise<RetentionReport> {
  const mediaRemoved = await maintenance.removeExpiredMedia();
  const transcriptsRemoved = await maintenance.removeExpiredTranscripts();
  // Sweeps that were running when these steps were added replay without them.
  const liveTranscriptsRemoved = patched('live-transcript-retention')
    ? await maintenance.removeExpiredLiveTranscripts()
    : undefined;
  const abandonedLiveSessionsEnded = patched('end-abandoned-live-sessions')
    ? await maintenance.endAbandonedLiveSessions()
    : undefined;
  return {
    mediaRemoved,
    transcriptsRemoved,
    liveTranscriptsRemoved,
    abandonedLiveSessionsEnded,
    idempotencyKeysRemoved: await maintenance.removeExpiredIdempotencyKeys(),
    strandedJobsStarted: await maintenance.restartStrandedJobs(),
  };
}
