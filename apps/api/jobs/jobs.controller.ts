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
import { CurrentTenant, type AuthenticatedTenant } from '../auth/current-tenant.decorator';
import { CreateJobDto, JobAcceptedDto } from './create-job.dto';
import { JobSubmissionService } from './job-submission.service';
import { JobsService } from './jobs.service';
import { ListJobsQuery } from './list-jobs.query';

@ApiTags('jobs')
@ApiSecurity('api-key')
@Controller('jobs')
export class JobsController {
  constructor(
    private readonly submissions: JobSubmissionService,
    private readonly jobs: JobsService,
  ) {}

  @Post()
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
    return this.submissions.submit(tenant.id, req, idempotencyKey);
  }

  @Get()
  @ApiOperation({ summary: "The tenant's jobs, newest first, cursor-paginated." })
  list(@CurrentTenant() tenant: AuthenticatedTenant, @Query() query: ListJobsQuery) {
    return this.jobs.list(tenant.id, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status, progress, error, timings, usage and webhook deliveries of a job.' })
  get(@CurrentTenant() tenant: AuthenticatedTenant, @Param('id') id: string) {
    return this.jobs.get(tenant.id, id);
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel a running job (it ends as cancelled and sends job.cancelled).' })
  cancel(@CurrentTenant() tenant: AuthenticatedTenant, @Param('id') id: string) {
    return this.jobs.cancel(tenant.id, id);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete media and transcripts; the job stays as a tombstone.' })
  remove(@CurrentTenant() tenant: AuthenticatedTenant, @Param('id') id: string) {
    return this.jobs.delete(tenant.id, id);
  }
}
