import { Controller, Get, HttpStatus, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { TranscriptsRepository } from '../../../libs/db/transcripts.repository';
import { CONTENT_TYPES, exportTranscript } from '../../../libs/transcripts/export-formats';
import { TranscriptStore } from '../../../libs/transcripts/transcript-store';
import { CurrentTenant, type AuthenticatedTenant } from '../auth/current-tenant.decorator';
import { ApiError } from '../common/api-error';
import { JobsService } from '../jobs/jobs.service';
import { TranscriptQuery } from './transcript.query';

@ApiTags('jobs')
@ApiSecurity('api-key')
@Controller('jobs/:id/transcript')
export class TranscriptsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly transcripts: TranscriptsRepository,
    private readonly store: TranscriptStore,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The transcript as json, txt, srt or vtt, in the original language or a translation.' })
  @ApiProduces(...Object.values(CONTENT_TYPES))
  async get(
    @CurrentTenant() tenant: AuthenticatedTenant,
    @Param('id') id: string,
    @Query() query: TranscriptQuery,
    @Res() res: Response,
  ): Promise<void> {
    const job = await this.jobs.find(tenant.id, id);
    if (job.deletedAt) throw new ApiError(HttpStatus.GONE, 'The job was deleted, and its transcripts with it.', 'gone');
    if (job.status !== 'completed') {
      throw new ApiError(
        HttpStatus.CONFLICT,
        `The transcript is not ready: the job is ${job.status}.`,
        'transcript_not_ready',
        { status: job.status },
      );
    }
    const languages = (await this.transcripts.languages(id)).map((t) => t.language);
    const language = query.lang ?? job.detectedLanguage ?? languages[0]!;
    const transcript = await this.store.load(id, language);
    if (!transcript) {
      throw new ApiError(HttpStatus.NOT_FOUND, `No transcript in "${language}".`, 'not_found', {
        available: languages,
      });
    }
    const format = query.format ?? 'json';
    res
      .status(200)
      .type(CONTENT_TYPES[format])
      .setHeader('content-language', language)
      .send(exportTranscript(transcript, format));
  }
}
