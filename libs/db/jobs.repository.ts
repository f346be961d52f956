import { createHash } from 'node:crypto';
import type { Connection, Model, QueryFilter } from 'mongoose';
import type { JobRecordPatch } from '../contracts/activities';
import type { JobStatus, ProviderUsage } from '../contracts/job';
import {
  DELETED_JOB_USAGE_MODEL,
  DeletedJobUsageSchema,
  JOB_MODEL,
  JobSchema,
  type DeletedJobUsageDocument,
  type JobDocument,
} from './job.schema';
import { modelOn } from './model-on';
import { sweepWindowFilter, type SweepPosition } from './sweep-window';

export type NewJob = Omit<JobDocument, 'createdAt' | 'updatedAt'>;

/** Fields the workflow may change after creation (its record-job patch, with dates as dates). */
export type JobPatch = Omit<JobRecordPatch, 'startedAt' | 'finishedAt'> & { startedAt?: Date; finishedAt?: Date };

export interface JobListOptions {
  status?: JobStatus;
  limit: number;
  /** The id of the last job of the previous page: the next page starts after it (ids sort by time). */
  after?: string;
}

/** Jobs waiting and running now, and jobs that ended in a window. */
export interface JobActivity {
  queued: number;
  processing: number;
  endedByStatus: Partial<Record<JobStatus, number>>;
  failedByCode: Record<string, number>;
}

/** Jobs. Every tenant-facing read takes the tenant id, so isolation is in the query, not in the caller. */
export class JobsRepository {
  private readonly model: Model<JobDocument>;
  private readonly deletedUsage: Model<DeletedJobUsageDocument>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, JOB_MODEL, JobSchema);
    this.deletedUsage = modelOn(connection, DELETED_JOB_USAGE_MODEL, DeletedJobUsageSchema);
  }

  async init(): Promise<void> {
    await Promise.all([this.model.init(), this.deletedUsage.init()]);
  }

  async create(job: NewJob): Promise<JobDocument> {
    return (await this.model.create(job)).toObject();
  }

  /** For the worker, which acts on a job id it was given by its workflow. */
  async findById(jobId: string): Promise<JobDocument | undefined> {
    return (await this.model.findById(jobId).lean()) ?? undefined;
  }

  async findForTenant(tenantId: string, jobId: string): Promise<JobDocument | undefined> {
    return (await this.model.findOne({ _id: jobId, tenantId }).lean()) ?? undefined;
  }

  /** Newest first; `limit + 1` rows are read so the caller knows whether another page exists. */
  async listForTenant(tenantId: string, options: JobListOptions): Promise<{ jobs: JobDocument[]; hasMore: boolean }> {
    const filter: QueryFilter<JobDocument> = { tenantId };
    if (options.status) filter.status = options.status;
    if (options.after) filter._id = { $lt: options.after };
    const rows = await this.model
      .find(filter)
      .sort({ _id: -1 })
      .limit(options.limit + 1)
      .lean();
    return { jobs: rows.slice(0, options.limit), hasMore: rows.length > options.limit };
  }

  /**
   * Applies the workflow's changes. Only the job's workflow calls this, one call at a time. Timings are
   * set stage by stage (`timings.merging`), so a patch adds to the map instead of replacing it.
   */
  async update(jobId: string, patch: JobPatch): Promise<void> {
    const { timings, ...fields } = patch;
    const set: Record<string, unknown> = Object.fromEntries(
      Object.entries(fields).filter(([, value]) => value !== undefined),
    );
    for (const [stage, ms] of Object.entries(timings ?? {})) set[`timings.${stage}`] = ms;
    if (Object.keys(set).length > 0) await this.model.updateOne({ _id: jobId }, { $set: set });
  }

  /**
   * Audio seconds and provider requests of a tenant's jobs that finished in [from, to), deleted ones included.
   * (Jobs are counted separately: FerretDB has no $addToSet accumulator.)
   */
  async usageForTenant(tenantId: string, from: Date, to: Date): Promise<{ jobs: number; usage: ProviderUsage[] }> {
    const match = { tenantId, finishedAt: { $gte: from, $lt: to }, 'usage.0': { $exists: true } };
    const totals = new Map<string, ProviderUsage>();
    let jobs = 0;
    for (const { rows, count } of await Promise.all([usageIn(this.model, match), usageIn(this.deletedUsage, match)])) {
      jobs += count;
      for (const row of rows) {
        const total = totals.get(row._id) ?? { provider: row._id, audioSeconds: 0, requests: 0 };
        total.audioSeconds = Math.round((total.audioSeconds + row.audioSeconds) * 1000) / 1000;
        total.requests += row.requests;
        totals.set(row._id, total);
      }
    }
    return { jobs, usage: [...totals.values()].sort((a, b) => a.provider.localeCompare(b.provider)) };
  }

  /**
   * For the operations summary: jobs queued and processing now, and those that ended since `since` by status
   * and (failed ones) by error code; of one tenant, or of all.
   */
  async activitySince(since: Date, tenantId?: string): Promise<JobActivity> {
    const scope = tenantId ? { tenantId } : {};
    const [queued, processing, ended] = await Promise.all([
      this.model.countDocuments({ ...scope, status: 'queued' }),
      this.model.countDocuments({ ...scope, status: 'processing' }),
      this.model.aggregate<{ _id: { status: JobStatus; code?: string }; count: number }>([
        { $match: { ...scope, finishedAt: { $gte: since } } },
        { $group: { _id: { status: '$status', code: '$error.code' }, count: { $sum: 1 } } },
      ]),
    ]);
    const endedByStatus: Partial<Record<JobStatus, number>> = {};
    const failedByCode: Record<string, number> = {};
    for (const { _id, count } of ended) {
      endedByStatus[_id.status] = (endedByStatus[_id.status] ?? 0) + count;
      if (_id.status === 'failed') failedByCode[_id.code ?? 'unknown'] = count;
    }
    return { queued, processing, endedByStatus, failedByCode };
  }

  /** How many of the tenant's jobs are queued or running. */
  async inFlightCount(tenantId: string): Promise<number> {
    return this.model.countDocuments({ tenantId, status: { $in: ['queued', 'processing'] } });
  }

  /**
   * Seconds of audio in the tenant's jobs submitted since `since` (as far as their length is known yet), and
   * in deleted jobs that finished since then.
   */
  async audioSecondsSince(tenantId: string, since: Date): Promise<number> {
    const [jobs, deleted] = await Promise.all([
      this.model.aggregate<{ seconds: number }>([
        { $match: { tenantId, createdAt: { $gte: since }, durationS: { $gt: 0 } } },
        { $group: { _id: null, seconds: { $sum: '$durationS' } } },
      ]),
      this.deletedUsage.aggregate<{ seconds: number }>([
        { $match: { tenantId, finishedAt: { $gte: since } } },
        { $unwind: '$usage' },
        { $group: { _id: null, seconds: { $sum: '$usage.audioSeconds' } } },
      ]),
    ]);
    return (jobs[0]?.seconds ?? 0) + (deleted[0]?.seconds ?? 0);
  }

  /** Ids of jobs that ended after `after` and before `to`, oldest first (retention walks this window page by page). */
  async finishedBetween(after: SweepPosition, to: Date, limit: number): Promise<{ _id: string; finishedAt: Date }[]> {
    const rows = await this.model
      .find(sweepWindowFilter('finishedAt', after, to), { _id: 1, finishedAt: 1 })
      .sort({ finishedAt: 1, _id: 1 })
      .limit(limit)
      .lean();
    return rows.map((row) => ({ _id: row._id, finishedAt: row.finishedAt! }));
  }

  /** Jobs stored as queued before `before`: their workflow may never have started. */
  async queuedBefore(before: Date, limit: number): Promise<JobDocument[]> {
    return this.model
      .find({ status: 'queued', createdAt: { $lt: before } })
      .limit(limit)
      .lean();
  }

  /** Cancels a job whose workflow never started (no workflow will ever write to it). */
  async cancelQueued(jobId: string): Promise<void> {
    await this.model.updateOne(
      { _id: jobId, status: 'queued' },
      { $set: { status: 'cancelled', finishedAt: new Date() } },
    );
  }

  /** Withdraws a job whose workflow never started (nothing else refers to it yet). */
  async remove(jobId: string): Promise<void> {
    await this.model.deleteOne({ _id: jobId, status: 'queued' });
  }

  /**
   * Deletes an ended job's record; what it used stays in the tenant's usage, under a hash of its id. Returns
   * false when there was no record (already deleted).
   */
  async removeEnded(job: JobDocument): Promise<boolean> {
    if (job.finishedAt && job.usage.length > 0) {
      const _id = createHash('sha256').update(job._id).digest('hex');
      const usage = { tenantId: job.tenantId, finishedAt: job.finishedAt, usage: job.usage };
      await this.deletedUsage.updateOne({ _id }, { $set: usage }, { upsert: true });
    }
    return (await this.model.deleteOne({ _id: job._id })).deletedCount > 0;
  }

  /** Records that retention, or the delivery of a `retention: none` job's webhook, removed its transcripts. */
  async markTranscriptsRemoved(jobId: string, by: 'retention' | 'delivery'): Promise<void> {
    await this.model.updateOne(
      { _id: jobId },
      { $set: { transcriptsRemovedAt: new Date(), transcriptsRemovedBy: by } },
    );
  }
}

/** Usage per provider, and how many records had some, in one collection of records with a `usage` list. */
async function usageIn<T extends { usage: ProviderUsage[] }>(model: Model<T>, match: QueryFilter<T>) {
  const [rows, count] = await Promise.all([
    model.aggregate<{ _id: string; audioSeconds: number; requests: number }>([
      { $match: match },
      { $unwind: '$usage' },
      {
        $group: {
          _id: '$usage.provider',
          audioSeconds: { $sum: '$usage.audioSeconds' },
          requests: { $sum: '$usage.requests' },
        },
      },
    ]),
    model.countDocuments(match),
  ]);
  return { rows, count };
}
