import { setTimeout as sleep } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import { Injectable, Logger } from '@nestjs/common';
import { Client, isGrpcServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { InjectConfig, type AppConfig } from '../config';
import { TERMINAL_STATUSES, type TranscriptionJobInput } from '../contracts/job';
import { jobWorkflowIds } from '../contracts/temporal';
import type { JobDocument } from '../db/job.schema';
import { JobChunksRepository } from '../db/job-chunks.repository';
import { JobsRepository, type JobListOptions } from '../db/jobs.repository';
import { IdempotencyKeysRepository } from '../db/idempotency-keys.repository';
import type { TranscriptDocument } from '../db/transcript.schema';
import { TranscriptsRepository } from '../db/transcripts.repository';
import type { WebhookAttemptDocument } from '../db/webhook-delivery.schema';
import { WebhooksRepository } from '../db/webhooks.repository';
import { DomainError } from '../errors/domain-error';
import { jobKeys, LocalStorage } from '../storage/local-storage';
import { TranscriptStore } from '../transcripts/transcript-store';
import { TenantQuotas } from '../tenants/tenant-quotas';
import { newJobRecord } from './new-job';
import { startJobWorkflow, startRecordedJob } from './start-job-workflow';

const START_ATTEMPTS = 3;
/** Creating a job takes milliseconds after its key is claimed; a claim this old without a job is orphaned. */
const ORPHANED_CLAIM_MS = 5_000;
/** How long a request waits for the job of the request that claimed its Idempotency-Key first. */
const CLAIM_WAIT_MS = 10_000;
/** How long a delete waits for a running job to finish cancelling. */
const DELETE_WAIT_MS = 15_000;
/** A job still `queued` this long after creation has no workflow (its request died between insert and start). */
const STRANDED_AFTER_MS = 2 * 60_000;

/** What deleting a job removed: how many of each, and whether it had files in storage. */
export interface RemovedJobData {
  files: boolean;
  transcripts: number;
  chunks: number;
  webhookEvents: number;
  webhookAttempts: number;
  idempotencyKeys: number;
  workflowHistories: number;
}

/** A job to create: the workflow's input and what only the record keeps. */
export interface JobSubmission {
  input: TranscriptionJobInput;
  /** Identifies the request, so an Idempotency-Key reused for a different one is refused. */
  fingerprint: string;
  idempotencyKey?: string;
  metadata?: Record<string, unknown>;
  upload?: { filename?: string; bytes?: number };
}

interface HeldClaim {
  jobId: string;
  claimedAt: Date;
}

const isOrphaned = (claim: HeldClaim) => Date.now() - claim.claimedAt.getTime() > ORPHANED_CLAIM_MS;

/**
 * The jobs' rules, for the API and the worker alike: a submitted job is stored and its workflow started, or
 * nothing is kept; an Idempotency-Key names one job; cancel and delete go through the workflow, which owns the
 * job's record while it runs; another tenant's job is indistinguishable from a missing one.
 */
@Injectable()
export class JobsService {
  private readonly logger = new Logger(JobsService.name);

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly jobs: JobsRepository,
    private readonly idempotency: IdempotencyKeysRepository,
    private readonly chunks: JobChunksRepository,
    private readonly transcripts: TranscriptsRepository,
    private readonly transcriptStore: TranscriptStore,
    private readonly webhooks: WebhooksRepository,
    private readonly storage: LocalStorage,
    private readonly client: Client,
    private readonly quotas: TenantQuotas,
  ) {}

  /**
   * Stores the job and starts its workflow: `created` false means the Idempotency-Key already names a job
   * (returned instead, and an upload made for this request is removed). A new job must fit the tenant's quotas
   * (`limited` otherwise). Whatever fails after the key was claimed withdraws the record and the claim, so a
   * corrected retry can use the key; a workflow that cannot be started is `unavailable`.
   */
  async submit(submission: JobSubmission): Promise<{ job: JobDocument; created: boolean }> {
    const { input, fingerprint, idempotencyKey, metadata, upload } = submission;
    if (idempotencyKey) {
      const original = await this.claimKey(input.tenantId, idempotencyKey, fingerprint, input.jobId);
      if (original) {
        if (input.source.kind === 'upload') await this.storage.remove(jobKeys.root(input.jobId));
        return { job: original, created: false };
      }
    }
    let job: JobDocument;
    try {
      await this.quotas.admitJob(input.tenantId);
      job = await this.jobs.create(newJobRecord(input, { metadata, ...upload }));
    } catch (error) {
      if (idempotencyKey) await this.idempotency.release(input.tenantId, idempotencyKey, input.jobId);
      throw error;
    }
    try {
      await this.startWithRetries(input, metadata);
    } catch (error) {
      this.logger.error({ err: error, jobId: input.jobId }, 'workflow could not be started; the job is withdrawn');
      await this.jobs.remove(input.jobId);
      if (idempotencyKey) await this.idempotency.release(input.tenantId, idempotencyKey, input.jobId);
      throw new DomainError(
        'unavailable',
        'The job could not be started right now; nothing was kept. Retry shortly.',
        'unavailable',
        undefined,
        5,
      );
    }
    return { job, created: true };
  }

  private async startWithRetries(input: TranscriptionJobInput, metadata?: Record<string, unknown>): Promise<void> {
    const source = input.source.kind === 'url' ? input.source.url : (input.source.filename ?? 'upload');
    for (let attempt = 1; ; attempt++) {
      try {
        await startJobWorkflow(this.client, this.config, input, { source, metadata });
        return;
      } catch (error) {
        if (attempt >= START_ATTEMPTS) throw error;
        await sleep(300 * attempt);
      }
    }
  }

  /**
   * Claims the Idempotency-Key for `jobId` (undefined: go on and create it), or returns the job of the request
   * that claimed it first. A job that request recorded but may not have started is started now (idempotently:
   * workflow id = job id), so a quick retry never gets a 202 for a job nobody starts. A claim older than
   * ORPHANED_CLAIM_MS without a job belongs to a request that died: it is taken over.
   */
  private async claimKey(
    tenantId: string,
    key: string,
    fingerprint: string,
    jobId: string,
  ): Promise<JobDocument | undefined> {
    for (let takeovers = 0; ; takeovers++) {
      const claim = await this.idempotency.claim(tenantId, key, fingerprint, jobId);
      if (claim.claimed) return undefined;
      if (claim.requestHash !== fingerprint) {
        throw new DomainError(
          'unprocessable',
          'This Idempotency-Key was used with a different request.',
          'idempotency_key_reused',
        );
      }
      const job = await this.jobOfClaim(tenantId, claim);
      if (job) {
        if (job.status === 'queued') await startRecordedJob(this.client, this.config, job);
        return job;
      }
      if (!isOrphaned(claim) || takeovers >= 2) {
        throw new DomainError(
          'conflict',
          'A request with this Idempotency-Key is still being processed.',
          'idempotency_in_progress',
        );
      }
      this.logger.warn({ jobId: claim.jobId }, 'orphaned idempotency claim taken over');
      await this.idempotency.release(tenantId, key, claim.jobId);
    }
  }

  /** The job of a claim another request holds, once it appears; undefined if it does not in time or is orphaned. */
  private async jobOfClaim(tenantId: string, claim: HeldClaim): Promise<JobDocument | undefined> {
    for (let waited = 0; waited < CLAIM_WAIT_MS; waited += 100) {
      const job = await this.jobs.findForTenant(tenantId, claim.jobId);
      if (job || isOrphaned(claim)) return job;
      await sleep(100);
    }
    return undefined;
  }

  async find(tenantId: string, jobId: string): Promise<JobDocument> {
    const job = await this.jobs.findForTenant(tenantId, jobId);
    if (!job) throw new DomainError('not_found', `No job ${jobId}.`);
    return job;
  }

  /** The tenant's jobs, newest first, after the job id `after`. */
  list(tenantId: string, options: JobListOptions) {
    return this.jobs.listForTenant(tenantId, options);
  }

  /** Jobs that finished in [from, to), and the audio each provider transcribed for them. */
  usage(tenantId: string, from: Date, to: Date) {
    return this.jobs.usageForTenant(tenantId, from, to);
  }

  /** The deliveries of the job's webhooks, oldest first. */
  async webhookAttempts(job: JobDocument): Promise<WebhookAttemptDocument[]> {
    return job.webhookUrl ? this.webhooks.attemptsForJob(job._id) : [];
  }

  /** A completed job's transcript in `language` (default: the language it was spoken in). */
  async transcript(tenantId: string, jobId: string, language?: string): Promise<TranscriptDocument> {
    const job = await this.find(tenantId, jobId);
    if (job.transcriptsRemovedAt) {
      const why =
        job.transcriptsRemovedBy === 'delivery'
          ? 'once its webhook was delivered (retention "none")'
          : 'by the transcript retention period';
      throw new DomainError('gone', `The job's transcripts were removed ${why}.`);
    }
    if (job.status !== 'completed') {
      throw new DomainError(
        'conflict',
        `The transcript is not ready: the job is ${job.status}.`,
        'transcript_not_ready',
        {
          status: job.status,
        },
      );
    }
    const available = (await this.transcripts.languages(jobId)).map((t) => t.language);
    const wanted = language ?? job.detectedLanguage ?? available[0]!;
    const transcript = await this.transcriptStore.load(jobId, wanted);
    if (!transcript) throw new DomainError('not_found', `No transcript in "${wanted}".`, 'not_found', { available });
    return transcript;
  }

  /** Asks the workflow to stop; it records `cancelled`, cleans up and sends job.cancelled itself. */
  async cancel(tenantId: string, jobId: string): Promise<JobDocument> {
    const job = await this.find(tenantId, jobId);
    if (TERMINAL_STATUSES.includes(job.status)) {
      throw new DomainError('conflict', `The job already ended (${job.status}).`, 'job_finished');
    }
    await this.requestCancel(jobId);
    return this.find(tenantId, jobId);
  }

  /**
   * Deletes the job and everything kept of it (see `purge`); a running job is cancelled first. Afterwards its id
   * answers 404 everywhere.
   */
  async delete(tenantId: string, jobId: string): Promise<RemovedJobData> {
    let job = await this.find(tenantId, jobId);
    if (!TERMINAL_STATUSES.includes(job.status)) {
      await this.requestCancel(jobId);
      for (let waited = 0; !TERMINAL_STATUSES.includes(job.status) && waited < DELETE_WAIT_MS; waited += 250) {
        await sleep(250);
        job = await this.find(tenantId, jobId);
      }
      if (!TERMINAL_STATUSES.includes(job.status)) {
        throw new DomainError('conflict', 'The job is still stopping; retry the delete shortly.', 'job_stopping');
      }
    }
    return this.purge(job);
  }

  /**
   * Removes an ended job: its workflows' histories first (a webhook delivery still retrying stops, and the
   * workflow's memo and search attributes go with its history), then its media and work files, transcripts and
   * translations, chunk results, webhook bodies and deliveries and Idempotency-Keys, and its record last, so a
   * purge that fails halfway is finished by a retry. What it used stays in the tenant's usage, anonymously.
   */
  async purge(job: JobDocument): Promise<RemovedJobData> {
    const jobId = job._id;
    const workflows = await Promise.all(jobWorkflowIds(jobId).map((id) => this.deleteWorkflow(id)));
    const [content, webhooks, idempotencyKeys] = await Promise.all([
      this.removeContent(jobId),
      this.webhooks.removeForJob(jobId),
      this.idempotency.removeForJob(jobId),
    ]);
    await this.jobs.removeEnded(job);
    return {
      ...content,
      webhookEvents: webhooks.events,
      webhookAttempts: webhooks.attempts,
      idempotencyKeys,
      workflowHistories: workflows.filter(Boolean).length,
    };
  }

  /**
   * What a job holds of its audio and words: its files (media, work files, long transcripts), transcripts and
   * translations, and chunk results. Deleting the job removes them, and so does the delivery of a `retention:
   * none` job's webhook.
   */
  async removeContent(jobId: string): Promise<Pick<RemovedJobData, 'files' | 'transcripts' | 'chunks'>> {
    const [files, transcripts, chunks] = await Promise.all([
      this.storage.remove(jobKeys.root(jobId)),
      this.transcriptStore.removeForJob(jobId),
      this.chunks.removeForJob(jobId),
    ]);
    return { files, transcripts, chunks };
  }

  /** Deletes a workflow execution (terminating it if it runs); false when there is none. */
  private async deleteWorkflow(workflowId: string): Promise<boolean> {
    try {
      await this.client.workflowService.deleteWorkflowExecution({
        namespace: this.client.options.namespace,
        workflowExecution: { workflowId },
      });
      return true;
    } catch (error) {
      if (isGrpcServiceError(error) && error.code === status.NOT_FOUND) return false;
      throw error;
    }
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

  /** Starts the workflows of jobs stored but never started (their request died); returns how many it started. */
  async restartStranded(limit: number): Promise<number> {
    let started = 0;
    for (const job of await this.jobs.queuedBefore(new Date(Date.now() - STRANDED_AFTER_MS), limit))
      if ((await startRecordedJob(this.client, this.config, job)).started) started++;
    return started;
  }
}
