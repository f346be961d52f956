import { setTimeout as sleep } from 'node:timers/promises';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { Request } from 'express';
import { InjectConfig, type AppConfig } from '../../../libs/config';
import type { JobSource } from '../../../libs/contracts/job';
import { newId } from '../../../libs/db/ids';
import { IdempotencyKeysRepository } from '../../../libs/db/idempotency-keys.repository';
import { JobsRepository } from '../../../libs/db/jobs.repository';
import { newJobRecord } from '../../../libs/jobs/new-job';
import { ApiMetrics } from '../../../libs/metrics/api-metrics';
import { OutboundPolicy } from '../../../libs/net/outbound-policy';
import { jobKeys, LocalStorage } from '../../../libs/storage/local-storage';
import { ApiError } from '../common/api-error';
import { validateInput } from '../common/validation';
import { CreateJobDto } from './create-job.dto';
import { JobPresenter } from './job.presenter';
import { multipartFieldsToBody, requestFingerprint, toJobInput } from './job-request';
import { startJobWorkflow, startRecordedJob } from '../../../libs/jobs/start-job-workflow';
import type { JobDocument } from '../../../libs/db/job.schema';
import { receiveUpload } from './upload-receiver';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const START_ATTEMPTS = 3;
/** Creating a job takes milliseconds after its key is claimed; a claim this old without a job is orphaned. */
const ORPHANED_CLAIM_MS = 5_000;

export type JobAccepted = ReturnType<JobPresenter['accepted']>;

/**
 * POST /v1/jobs. A 202 means durable: the job is stored and its workflow has started. If the workflow
 * cannot be started, nothing is left behind (record, upload, idempotency claim) and the client gets a 503.
 */
@Injectable()
export class JobSubmissionService {
  private readonly logger = new Logger(JobSubmissionService.name);

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly jobs: JobsRepository,
    private readonly idempotency: IdempotencyKeysRepository,
    private readonly client: Client,
    private readonly storage: LocalStorage,
    private readonly policy: OutboundPolicy,
    private readonly presenter: JobPresenter,
    private readonly metrics: ApiMetrics,
  ) {}

  async submit(tenantId: string, req: Request, idempotencyKey?: string): Promise<JobAccepted> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'Idempotency-Key must be 1 to 255 printable ASCII characters.');
    }
    const type = req.headers['content-type'] ?? '';
    if (/^multipart\/form-data/i.test(type)) return this.submitUpload(tenantId, req, idempotencyKey);
    if (/^application\/json/i.test(type)) return this.submitJson(tenantId, req.body, idempotencyKey);
    throw new ApiError(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      'Send application/json (with audio_url) or multipart/form-data (with file).',
    );
  }

  private async submitJson(tenantId: string, body: unknown, idempotencyKey?: string): Promise<JobAccepted> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ApiError(HttpStatus.BAD_REQUEST, 'The body must be a JSON object.');
    }
    const dto = await validateInput(CreateJobDto, body);
    if (!dto.audio_url) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        'audio_url is required (or upload the media as multipart "file").',
        'invalid_request',
        [{ field: 'audio_url', message: 'audio_url is required' }],
      );
    }
    return this.create(
      tenantId,
      dto,
      { kind: 'url', url: dto.audio_url },
      requestFingerprint(body),
      idempotencyKey,
      newId('job'),
    );
  }

  private async submitUpload(tenantId: string, req: Request, idempotencyKey?: string): Promise<JobAccepted> {
    const jobId = newId('job');
    const storageKey = jobKeys.source(jobId);
    const { maxUploadBytes, uploadIdleTimeoutMs } = this.config.storage;
    const upload = await receiveUpload(req, this.storage, storageKey, maxUploadBytes, uploadIdleTimeoutMs);
    try {
      const body = multipartFieldsToBody(upload.fields);
      const dto = await validateInput(CreateJobDto, body);
      if (!upload.file && !dto.audio_url)
        throw new ApiError(HttpStatus.BAD_REQUEST, 'A "file" part (or audio_url) is required.');
      if (upload.file && dto.audio_url)
        throw new ApiError(HttpStatus.BAD_REQUEST, 'Send audio_url or a file, not both.');
      if (upload.file && upload.file.bytes === 0)
        throw new ApiError(HttpStatus.BAD_REQUEST, 'The uploaded file is empty.');
      const source: JobSource = upload.file
        ? { kind: 'upload', storageKey, filename: upload.file.filename }
        : { kind: 'url', url: dto.audio_url! };
      return await this.create(
        tenantId,
        dto,
        source,
        requestFingerprint(body, upload.file?.sha256),
        idempotencyKey,
        jobId,
        {
          filename: upload.file?.filename,
          bytes: upload.file?.bytes,
        },
      );
    } catch (error) {
      await this.storage.remove(jobKeys.root(jobId));
      throw error;
    }
  }

  private async create(
    tenantId: string,
    dto: CreateJobDto,
    source: JobSource,
    fingerprint: string,
    idempotencyKey: string | undefined,
    jobId: string,
    extras: { filename?: string; bytes?: number } = {},
  ): Promise<JobAccepted> {
    const input = await toJobInput(dto, { jobId, tenantId, source, config: this.config, policy: this.policy });
    if (idempotencyKey) {
      const original = await this.claimKey(tenantId, idempotencyKey, fingerprint, jobId);
      if (original) {
        // A duplicate: the upload (if any) is not needed.
        if (source.kind === 'upload') await this.storage.remove(jobKeys.root(jobId));
        return this.presenter.accepted(original);
      }
    }
    const job = await this.jobs.create(newJobRecord(input, { metadata: dto.metadata, ...extras }));
    try {
      await this.startWithRetries(input, source, dto.metadata);
    } catch (error) {
      this.logger.error({ err: error, jobId }, 'workflow could not be started; the job is withdrawn');
      await this.jobs.remove(jobId);
      if (idempotencyKey) await this.idempotency.release(tenantId, idempotencyKey, jobId);
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        'The job could not be started right now; nothing was kept. Retry shortly.',
        'unavailable',
        undefined,
        {
          'retry-after': '5',
        },
      );
    }
    this.metrics.jobsSubmitted.inc({ source: source.kind });
    return this.presenter.accepted(job);
  }

  private async startWithRetries(
    input: Parameters<typeof startJobWorkflow>[2],
    source: JobSource,
    metadata?: Record<string, unknown>,
  ) {
    const memoSource = source.kind === 'url' ? source.url : (source.filename ?? 'upload');
    for (let attempt = 1; ; attempt++) {
      try {
        return await startJobWorkflow(this.client, this.config, input, { source: memoSource, metadata });
      } catch (error) {
        if (attempt >= START_ATTEMPTS) throw error;
        await sleep(300 * attempt);
      }
    }
  }

  /**
   * Claims the Idempotency-Key for `jobId` (undefined: go on and create it), or returns the job of the
   * request that claimed it first. That request may still be creating its job: wait briefly. A job it
   * recorded but may not have started is started now (idempotently); once its claim is older than
   * ORPHANED_CLAIM_MS without a job, the request is dead and the claim is taken over.
   */
  private async claimKey(
    tenantId: string,
    key: string,
    fingerprint: string,
    jobId: string,
  ): Promise<JobDocument | undefined> {
    for (let attempt = 1; ; attempt++) {
      const claim = await this.idempotency.claim(tenantId, key, fingerprint, jobId);
      if (claim.claimed) return undefined;
      if (claim.requestHash !== fingerprint) {
        throw new ApiError(
          HttpStatus.UNPROCESSABLE_ENTITY,
          'This Idempotency-Key was used with a different request.',
          'idempotency_key_reused',
        );
      }
      const orphaned = () => Date.now() - claim.claimedAt.getTime() > ORPHANED_CLAIM_MS;
      for (let waited = 0; waited < 10_000; waited += 100) {
        const job = await this.jobs.findForTenant(tenantId, claim.jobId);
        if (job) {
          // Still queued: its request may have died between recording and starting it. Starting is idempotent
          // (workflow id = job id, an existing run is used), and waiting for the claim to age would hand the
          // client a 202 for a job nobody starts when the retry comes back quickly.
          if (job.status === 'queued') await startRecordedJob(this.client, this.config, job);
          return job;
        }
        if (orphaned()) break;
        await sleep(100);
      }
      if (!orphaned() || attempt >= 3)
        throw new ApiError(
          HttpStatus.CONFLICT,
          'A request with this Idempotency-Key is still being processed.',
          'idempotency_in_progress',
        );
      this.logger.warn({ jobId: claim.jobId }, 'orphaned idempotency claim taken over');
      await this.idempotency.release(tenantId, key, claim.jobId);
    }
  }
}
