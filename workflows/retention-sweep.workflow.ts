import { patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { MAINTENANCE } from './activity-profiles';

const maintenance = proxyActivities<Activities>(MAINTENANCE);

export interface RetentionReport {
  mediaRemoved: number;
  transcriptsRemoved: number;
  /** Live sessions whose final lines were removed (absent from sweeps started before it existed). */
  liveTranscriptsRemoved?: number;
  idempotencyKeysRemoved: number;
  strandedJobsStarted: number;
}

/** Run hourly by the `voxflow-retention` Schedule (visible under Schedules in the Temporal UI). */
export async function retentionSweep(): Promise<RetentionReport> {
  const mediaRemoved = await maintenance.removeExpiredMedia();
  const transcriptsRemoved = await maintenance.removeExpiredTranscripts();
  // A sweep that was running when this step was added replays without it.
  const liveTranscriptsRemoved = patched('live-transcript-retention')
    ? await maintenance.removeExpiredLiveTranscripts()
    : undefined;
  return {
    mediaRemoved,
    transcriptsRemoved,
    liveTranscriptsRemoved,
    idempotencyKeysRemoved: await maintenance.removeExpiredIdempotencyKeys(),
    strandedJobsStarted: await maintenance.restartStrandedJobs(),
  };
}
