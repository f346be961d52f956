import { Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import type { JobDocument } from '../../../libs/db/job.schema';
import { JobsService } from '../../../libs/jobs/jobs.service';
import { CurrentTenant, type AuthenticatedTenant } from '../auth/current-tenant.decorator';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor } from '../common/page-query';
import { CreateJobDto, JobAcceptedDto } from './create-job.dto';
import { JobIntake } from './job-intake';
import { JobPresenter, type JobView } from './job.presenter';
import { ListJobsQuery } from './list-jobs.query';
import { RequireScope } from '../auth/require-scope.decorator';

@ApiTags('jobs')
@ApiSecurity('api-key')
@Controller('jobs')
export class JobsController {
  constructor(
    private readonly intake: JobIntake,
    private readonly jobs: JobsService,
    private readonly presenter: JobPresenter,
  ) {}

  @Post()
  @RequireScope('jobs:write')
  @HttpCode(202)
  @ApiOperation({ summary: 'Submit a job: JSON with audio_url, or multipart with file plus the same fields.' })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ type: CreateJobDto })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Same key and body → the same job (kept ≥ 24 h).',
  })
  @ApiAcceptedResponse({ type: JobAcceptedDto, description: 'Stored, and its workflow has started.' })
  create(
    @CurrentTenant() tenant: AuthenticatedTenant,
    @Req() req: Request,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.intake.submit(tenant.id, req, idempotencyKey);
  }

  @Get()
  @RequireScope('jobs:read')
  @ApiOperation({ summary: "The tenant's jobs, newest first, cursor-paginated." })
  async list(@CurrentTenant() tenant: AuthenticatedTenant, @Query() query: ListJobsQuery) {
    const { jobs, hasMore } = await this.jobs.list(tenant.id, {
      status: query.status,
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      after: decodeCursor(query.cursor, 'job'),
    });
    return {
      data: jobs.map((job) => this.presenter.summary(job)),
      next_cursor: hasMore ? encodeCursor(jobs.at(-1)!._id) : null,
    };
  }

  @Get(':id')
  @RequireScope('jobs:read')
  @ApiOperation({ summary: 'Status, progress, error, timings, usage and webhook deliveries of a job.' })
  get(@CurrentTenant() tenant: AuthenticatedTenant, @Param('id') id: string): Promise<JobView> {
    return this.view(this.jobs.find(tenant.id, id));
  }

  @Post(':id/cancel')
  @RequireScope('jobs:write')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a running job (it ends as cancelled and sends job.cancelled).' })
  cancel(@CurrentTenant() tenant: AuthenticatedTenant, @Param('id') id: string): Promise<JobView> {
    return this.view(this.jobs.cancel(tenant.id, id));
  }

  @Delete(':id')
  @RequireScope('jobs:write')
  @ApiOperation({
    summary:
      'Delete the job and all its data (media, transcripts, translations, chunk results, webhook bodies and ' +
      'deliveries, Idempotency-Keys, workflow histories); a running job is cancelled first. Answers what was ' +
      'removed; the id answers 404 afterwards.',
  })
  async remove(@CurrentTenant() tenant: AuthenticatedTenant, @Param('id') id: string) {
    const removed = await this.jobs.delete(tenant.id, id);
    return {
      id,
      deleted: true,
      removed: {
        files: removed.files,
        transcripts: removed.transcripts,
        chunks: removed.chunks,
        webhook_events: removed.webhookEvents,
        webhook_deliveries: removed.webhookAttempts,
        idempotency_keys: removed.idempotencyKeys,
        workflow_histories: removed.workflowHistories,
      },
    };
  }

  private async view(found: Promise<JobDocument>): Promise<JobView> {
    const job = await found;
    return this.presenter.detail(job, await this.jobs.webhookAttempts(job));
  }
}
