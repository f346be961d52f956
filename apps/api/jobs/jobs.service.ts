import { setTimeout as sleep } from 'node:timers/promises';
import { HttpStatus, Injectable } from '@nestjs/common';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { TERMINAL_STATUSES } from '../../../libs/contracts/job';
import type { JobDocument } from '../../../libs/db/job.schema';
import { JobChunksRepository } from '../../../libs/db/job-chunks.repository';
import { JobsRepository } from '../../../libs/db/jobs.repository';
import { TranscriptsRepository } from '../../../libs/db/transcripts.repository';
import { WebhooksRepository } from '../../../libs/db/webhooks.repository';
import { jobKeys, LocalStorage } from '../../../libs/storage/local-storage';
import { ApiError } from '../common/api-error';
import { JobPresenter, type JobView } from './job.presenter';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor } from '../common/page-query';
import type { ListJobsQuery } from './list-jobs.query';

/** How long DELETE waits for a running job to finish cancelling before answering 409. */
const DELETE_WAIT_MS = 15_000;

@Injectable()
export class JobsService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly chunks: JobChunksRepository,
    private readonly transcripts: TranscriptsRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly storage: LocalStorage,
    private readonly client: Client,
    private readonly presenter: JobPresenter,
  ) {}

  /** Another tenant's job is indistinguishable from a missing one: 404 either way. */
  async find(tenantId: string, jobId: string): Promise<JobDocument> {
    const job = await this.jobs.findForTenant(tenantId, jobId);
    if (!job) throw new ApiError(HttpStatus.NOT_FOUND, `No job ${jobId}.`);
    return job;
  }

  async get(tenantId: string, jobId: string): Promise<JobView> {
    const job = await this.find(tenantId, jobId);
    return this.presenter.detail(job, job.webhookUrl ? await this.webhooks.attemptsForJob(jobId) : []);
  }

  async list(tenantId: string, query: ListJobsQuery) {
    const after = decodeCursor(query.cursor, 'job');
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const { jobs, hasMore } = await this.jobs.listForTenant(tenantId, { status: query.status, limit, after });
    return {
      data: jobs.map((job) => this.presenter.summary(job)),
      next_cursor: hasMore ? encodeCursor(jobs.at(-1)!._id) : null,
    };
  }

  /** Asks the workflow to stop; it records `cancelled`, cleans up and sends job.cancelled itself. */
  async cancel(tenantId: string, jobId: string): Promise<JobView> {
    const job = await this.find(tenantId, jobId);
    if (TERMINAL_STATUSES.includes(job.status)) {
      throw new ApiError(HttpStatus.CONFLICT, `The job already ended (${job.status}).`, 'job_finished');
    }
    await this.requestCancel(jobId);
    return this.get(tenantId, jobId);
  }

  /** Removes media and transcripts, keeps a tombstone. A running job is cancelled first. */
  async delete(tenantId: string, jobId: string): Promise<{ id: string; deleted: true }> {
    let job = await this.find(tenantId, jobId);
    if (!TERMINAL_STATUSES.includes(job.status)) {
      await this.requestCancel(jobId);
      for (let waited = 0; !TERMINAL_STATUSES.includes(job.status) && waited < DELETE_WAIT_MS; waited += 250) {
        await sleep(250);
        job = await this.find(tenantId, jobId);
      }
      if (!TERMINAL_STATUSES.includes(job.status)) {
        throw new ApiError(HttpStatus.CONFLICT, 'The job is still stopping; retry the delete shortly.', 'job_stopping');
      }
    }
    // The workflow has ended, so nothing else writes to the job any more.
    await Promise.all([
      this.storage.remove(jobKeys.root(jobId)),
      this.transcripts.removeForJob(jobId),
      this.chunks.removeForJob(jobId),
    ]);
    if (!job.deletedAt) await this.jobs.markDeleted(tenantId, jobId);
    return { id: jobId, deleted: true };
  }

  private async requestCancel(jobId: string): Promise<void> {
    try {
      await this.client.workflow.getHandle(jobId).cancel();
    } catch (error) {
      // A queued job whose workflow never started has no one else writing its record.
      if (error instanceof WorkflowNotFoundError) await this.jobs.cancelQueued(jobId);
      else throw error;
    }
  }
}
