import { audioMinutesBucket } from '../libs/metrics/worker-metrics';
import type { RecordJobInput } from '../libs/contracts/activities';
import type { ActivityDeps } from './activity-deps';

/** The workflow's only way to write its job record (it calls this one call at a time). */
export function createJobRecordActivities({ jobs, metrics }: Pick<ActivityDeps, 'jobs' | 'metrics'>) {
  return {
    async recordJob({ jobId, patch }: RecordJobInput): Promise<void> {
      const { startedAt, finishedAt, ...rest } = patch;
      await jobs.update(jobId, {
        ...rest,
        startedAt: startedAt ? new Date(startedAt) : undefined,
        finishedAt: finishedAt ? new Date(finishedAt) : undefined,
      });
      // Each stage's time arrives once, when the stage ends: the natural place to observe it.
      for (const [stage, ms] of Object.entries(rest.timings ?? {})) {
        if (stage !== 'total' && typeof ms === 'number') metrics.stageDuration.observe({ stage }, ms / 1000);
      }
      if (rest.status === 'completed' || rest.status === 'failed' || rest.status === 'cancelled') {
        metrics.jobsFinished.inc({ status: rest.status });
        const job = await jobs.findById(jobId);
        if (job && finishedAt) {
          metrics.jobDuration.observe(
            { status: rest.status, audio_minutes: audioMinutesBucket(job.durationS) },
            (Date.parse(finishedAt) - job.createdAt.getTime()) / 1000,
          );
        }
      }
    },
  };
}
