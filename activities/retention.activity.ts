import { Context } from '@temporalio/activity';
import type { SweepPosition } from '../libs/db/sweep-window';
import { jobKeys } from '../libs/storage/local-storage';
import type { ActivityDeps } from './activity-deps';

const HOUR_MS = 3_600_000;
const BATCH = 500;
/** Idempotency keys are promised for at least 24 h; an hour more covers clock skew between hosts. */
const IDEMPOTENCY_KEY_TTL_MS = 25 * HOUR_MS;

type RetentionDeps = Pick<
  ActivityDeps,
  | 'config'
  | 'jobs'
  | 'chunks'
  | 'transcriptStore'
  | 'storage'
  | 'idempotency'
  | 'webhooks'
  | 'maintenance'
  | 'liveSessions'
  | 'jobsService'
  | 'liveSessionsService'
>;

/**
 * What the hourly retention schedule does. Each task walks the jobs (or live sessions) that ended since its
 * checkpoint, oldest first, in batches; every removal is idempotent, so a crash mid-batch only repeats
 * harmless work.
 */
export function createRetentionActivities(deps: RetentionDeps) {
  const { config, jobs, chunks, transcriptStore, storage, idempotency, webhooks, maintenance, liveSessions } = deps;
  const { retention } = config;

  /**
   * Walks what `page` lists between the task's checkpoint and `cutoff`, oldest first, in batches, and removes
   * each batch; the checkpoint then moves to the cutoff.
   */
  async function sweep(
    task: string,
    cutoff: Date,
    page: (after: SweepPosition, to: Date, limit: number) => Promise<{ id: string; at: Date }[]>,
    removeBatch: (ids: string[]) => Promise<void>,
  ): Promise<number> {
    let position: SweepPosition = { at: await maintenance.checkpoint(task) };
    let removed = 0;
    for (;;) {
      const batch = await page(position, cutoff, BATCH);
      await removeBatch(batch.map((item) => item.id));
      removed += batch.length;
      Context.current().heartbeat({ task, removed });
      if (batch.length < BATCH) break;
      const last = batch.at(-1)!;
      position = { at: last.at, id: last.id };
    }
    await maintenance.advance(task, cutoff);
    return removed;
  }

  /** Jobs that ended in a range, one at a time through `remove`. */
  const sweepJobs = (task: string, cutoff: Date, remove: (jobId: string) => Promise<void>) =>
    sweep(
      task,
      cutoff,
      async (after, to, limit) =>
        (await jobs.finishedBetween(after, to, limit)).map((job) => ({ id: job._id, at: job.finishedAt })),
      async (jobIds) => {
        for (const jobId of jobIds) {
          await remove(jobId);
          Context.current().heartbeat({ task, jobId });
        }
      },
    );

  const daysAgo = (days: number) => new Date(Date.now() - days * 24 * HOUR_MS);

  return {
    /** Source media of jobs that ended more than MEDIA_RETENTION_HOURS ago. */
    async removeExpiredMedia(): Promise<number> {
      const cutoff = new Date(Date.now() - retention.mediaHours * HOUR_MS);
      return sweepJobs('media', cutoff, async (jobId) => {
        await storage.remove(jobKeys.source(jobId));
        await storage.remove(jobKeys.work(jobId));
      });
    },

    /** Transcripts of jobs that ended more than TRANSCRIPT_RETENTION_DAYS ago (0 keeps them). */
    async removeExpiredTranscripts(): Promise<number> {
      if (retention.transcriptDays === 0) return 0;
      return sweepJobs('transcripts', daysAgo(retention.transcriptDays), async (jobId) => {
        if ((await transcriptStore.removeForJob(jobId)) > 0) await jobs.markTranscriptsRemoved(jobId, 'retention');
      });
    },

    /** Per-chunk results kept by CHUNK_RETENTION_HOURS (with 0, each job removes its own as it ends). */
    async removeExpiredChunks(): Promise<number> {
      if (retention.chunkHours === 0) return 0;
      const cutoff = new Date(Date.now() - retention.chunkHours * HOUR_MS);
      return sweepJobs('chunks', cutoff, async (jobId) => {
        await chunks.removeForJob(jobId);
      });
    },

    /** Webhook bodies and delivery records older than WEBHOOK_RETENTION_DAYS; returns how many. */
    async removeExpiredWebhookDeliveries(): Promise<number> {
      return webhooks.removeOlderThan(daysAgo(retention.webhookDays));
    },

    /** Jobs that ended more than JOB_RETENTION_DAYS ago, and everything left of them, as a DELETE would. */
    async removeExpiredJobs(): Promise<number> {
      if (retention.jobDays === 0) return 0;
      return sweepJobs('jobs', daysAgo(retention.jobDays), async (jobId) => {
        const job = await jobs.findById(jobId);
        if (job) await deps.jobsService.purge(job);
      });
    },

    /**
     * Final lines of live sessions older than LIVE_TRANSCRIPT_RETENTION_DAYS (0 keeps them). Walked by start
     * time: a session lasts at most LIVE_MAX_SESSION_MINUTES, so one started that much before the cutoff has
     * ended before it, even if its API instance died and never recorded the end.
     */
    async removeExpiredLiveTranscripts(): Promise<number> {
      if (retention.liveTranscriptDays === 0) return 0;
      const cutoff = new Date(daysAgo(retention.liveTranscriptDays).getTime() - config.live.maxSessionMinutes * 60_000);
      return sweep(
        'live-transcripts',
        cutoff,
        async (after, to, limit) =>
          (await liveSessions.startedBetween(after, to, limit)).map((session) => ({
            id: session._id,
            at: session.startedAt,
          })),
        (sessionIds) => liveSessions.removeLines(sessionIds, 'retention'),
      );
    },

    /** Sessions a crashed API instance left `live`: readers already see them as ended; this writes it. */
    async endAbandonedLiveSessions(): Promise<number> {
      return deps.liveSessionsService.endAbandoned((ended) =>
        Context.current().heartbeat({ task: 'abandoned-live-sessions', ended }),
      );
    },

    async removeExpiredIdempotencyKeys(): Promise<number> {
      return idempotency.deleteOlderThan(new Date(Date.now() - IDEMPOTENCY_KEY_TTL_MS));
    },

    /** Starts the workflow of jobs that were stored but never started (idempotent: workflow id = job id). */
    async restartStrandedJobs(): Promise<number> {
      return deps.jobsService.restartStranded(BATCH);
    },
  };
}
