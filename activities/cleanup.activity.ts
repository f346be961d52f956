import { jobKeys } from '../libs/storage/local-storage';
import type { ActivityDeps } from './activity-deps';

/** What a job leaves behind when it ends, and what a `retention: none` job removes once its webhook is delivered. */
export function createCleanupActivities({
  storage,
  chunks,
  jobs,
  jobsService,
  config,
}: Pick<ActivityDeps, 'storage' | 'chunks' | 'jobs' | 'jobsService' | 'config'>) {
  return {
    /**
     * On success, failure and cancellation alike: temporary files, and the per-chunk results unless
     * CHUNK_RETENTION_HOURS keeps them (the merged transcript and the usage are stored by now). The source
     * stays until media retention.
     */
    async removeIntermediates({ jobId }: { jobId: string }): Promise<void> {
      await storage.remove(jobKeys.work(jobId));
      if (config.retention.chunkHours === 0) await chunks.removeForJob(jobId);
    },

    /** A `retention: none` job's final webhook was delivered: its media and transcripts go now. */
    async removeDeliveredContent({ jobId }: { jobId: string }): Promise<void> {
      await jobsService.removeContent(jobId);
      await jobs.markTranscriptsRemoved(jobId, 'delivery');
    },
  };
}
