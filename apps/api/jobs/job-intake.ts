import { HttpStatus, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { InjectConfig, type AppConfig } from '../../../libs/config';
import type { JobSource } from '../../../libs/contracts/job';
import { newId } from '../../../libs/db/ids';
import { JobsService, type JobSubmission } from '../../../libs/jobs/jobs.service';
import { ApiMetrics } from '../../../libs/metrics/api-metrics';
import { OutboundPolicy } from '../../../libs/net/outbound-policy';
import { jobKeys, LocalStorage } from '../../../libs/storage/local-storage';
import { ApiError } from '../common/api-error';
import { validateInput } from '../common/validation';
import { CreateJobDto } from './create-job.dto';
import { JobPresenter } from './job.presenter';
import { multipartFieldsToBody, requestFingerprint, toJobInput } from './job-request';
import { receiveUpload } from './upload-receiver';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export type JobAccepted = ReturnType<JobPresenter['accepted']>;

/**
 * POST /v1/jobs as HTTP: reads a JSON body or a streamed multipart upload into a job submission for the jobs
 * service. A 202 means durable: the job is stored and its workflow has started; on any refusal the upload
 * is removed.
 */
@Injectable()
export class JobIntake {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly jobs: JobsService,
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
    upload?: JobSubmission['upload'],
  ): Promise<JobAccepted> {
    const input = await toJobInput(dto, { jobId, tenantId, source, config: this.config, policy: this.policy });
    const { job, created } = await this.jobs.submit({
      input,
      fingerprint,
      idempotencyKey,
      metadata: dto.metadata,
      upload,
    });
    if (created) this.metrics.jobsSubmitted.inc({ source: source.kind });
    return this.presenter.accepted(job);
  }
}
