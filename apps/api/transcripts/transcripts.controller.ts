import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { JobsService } from '../../../libs/jobs/jobs.service';
import { CONTENT_TYPES, exportTranscript } from '../../../libs/transcripts/export-formats';
import { CurrentTenant, type AuthenticatedTenant } from '../auth/current-tenant.decorator';
import { TranscriptQuery } from './transcript.query';
import { RequireScope } from '../auth/require-scope.decorator';

@ApiTags('jobs')
@ApiSecurity('api-key')
@Controller('jobs/:id/transcript')
export class TranscriptsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  @RequireScope('jobs:read')
  @ApiOperation({ summary: 'The transcript as json, txt, srt or vtt, in the original language or a translation.' })
  @ApiProduces(...Object.values(CONTENT_TYPES))
  async get(
    @CurrentTenant() tenant: AuthenticatedTenant,
    @Param('id') id: string,
    @Query() query: TranscriptQuery,
    @Res() res: Response,
  ): Promise<void> {
    const transcript = await this.jobs.transcript(tenant.id, id, query.lang);
    const format = query.format ?? 'json';
    res
      .status(200)
      .type(CONTENT_TYPES[format])
      .setHeader('content-language', transcript.language)
      .send(exportTranscript(transcript, format));
  }
}
