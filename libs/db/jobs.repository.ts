import type { Connection, Model, QueryFilter } from 'mongoose';
import type { JobRecordPatch } from '../contracts/activities';
import type { JobStatus, ProviderUsage } from '../contracts/job';
import { JOB_MODEL, JobSchema, type JobDocument } from './job.schema';
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

/** Jobs. Every tenant-facing read takes the tenant id, so isolation is in the query, not in the caller. */
export class JobsRepository {
  private readonly model: Model<JobDocument>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, JOB_MODEL, JobSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
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
    const filter: QueryFilter<JobDocument> = { tenantId, deletedAt: { $exists: false } };
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
   * Audio seconds and provider requests of a tenant's jobs that finished in [from, to).
   * (Jobs are counted separately: FerretDB has no $addToSet accumulator.)
   */
  async usageForTenant(tenantId: string, from: Date, to: Date): Promise<{ jobs: number; usage: ProviderUsage[] }> {
    const match = { tenantId, finishedAt: { $gte: from, $lt: to }, 'usage.0': { $exists: true } };
    const [rows, jobs] = await Promise.all([
      this.model.aggregate<{ _id: string; audioSeconds: number; requests: number }>([
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
      this.model.countDocuments(match),
    ]);
    return {
      jobs,
      usage: rows
        .map((row) => ({
          provider: row._id,
          audioSeconds: Math.round(row.audioSeconds * 1000) / 1000,
          requests: row.requests,
        }))
        .sort((a, b) => a.provider.localeCompare(b.provider)),
    };
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

  /** The tombstone written by DELETE once the job has ended (its workflow no longer writes). */
  async markDeleted(tenantId: string, jobId: string, at = new Date()): Promise<void> {
    await this.model.updateOne({ _id: jobId, tenantId }, { $set: { deletedAt: at } });
  }
}
