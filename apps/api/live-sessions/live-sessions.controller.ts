import { Controller, Delete, Get, HttpStatus, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { InjectConfig, type AppConfig } from '../../../libs/config';
import type { LiveSessionDocument } from '../../../libs/db/live-session.schema';
import { LiveSessionsRepository } from '../../../libs/db/live-sessions.repository';
import { CONTENT_TYPES, exportTranscript } from '../../../libs/transcripts/export-formats';
import { CurrentTenant, type AuthenticatedTenant } from '../auth/current-tenant.decorator';
import { ApiError } from '../common/api-error';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, PageQuery } from '../common/page-query';
import { TranscriptQuery } from '../transcripts/transcript.query';

@ApiTags('live')
@ApiSecurity('api-key')
@Controller('live-sessions')
export class LiveSessionsController {
  constructor(
    private readonly sessions: LiveSessionsRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  private async find(tenantId: string, id: string) {
    const session = await this.sessions.findForTenant(tenantId, id);
    if (!session) throw new ApiError(HttpStatus.NOT_FOUND, `No live session ${id}.`);
    return session;
  }

  @Get()
  @ApiOperation({ summary: "The tenant's live sessions, newest first, cursor-paginated." })
  async list(@CurrentTenant() tenant: AuthenticatedTenant, @Query() query: PageQuery) {
    const { sessions, hasMore } = await this.sessions.listForTenant(tenant.id, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      after: decodeCursor(query.cursor, 'live'),
    });
    return {
      data: sessions.map((session) => this.view(session)),
      next_cursor: hasMore ? encodeCursor(sessions.at(-1)!._id) : null,
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A live-caption session: status, language, times and how many final lines it has.' })
  async get(@CurrentTenant() tenant: AuthenticatedTenant, @Param('id') id: string) {
    const session = await this.find(tenant.id, id);
    return { ...this.view(session), lines: await this.sessions.lineCount(id) };
  }

  /** A session as listed. Reading one adds its line count: per listed session, FerretDB would scan for each. */
  private view(session: LiveSessionDocument) {
    const base = `${this.config.http.publicBaseUrl}/v1/live-sessions/${encodeURIComponent(session._id)}`;
    return {
      id: session._id,
      status: session.status,
      language: session.language,
      user_id: session.userId,
      started_at: session.startedAt.toISOString(),
      ended_at: session.endedAt?.toISOString() ?? null,
      end_reason: session.endReason ?? null,
      transcript_removed_at: session.linesRemovedAt?.toISOString() ?? null,
      links: { self: base, transcript: `${base}/transcript` },
    };
  }

  @Get(':id/transcript')
  @ApiOperation({ summary: 'The final lines so far, as json, txt, srt or vtt.' })
  @ApiProduces(...Object.values(CONTENT_TYPES))
  async transcript(
    @CurrentTenant() tenant: AuthenticatedTenant,
    @Param('id') id: string,
    @Query() query: TranscriptQuery,
    @Res() res: Response,
  ) {
    const session = await this.find(tenant.id, id);
    if (session.linesRemovedAt) {
      const why = session.linesRemovedBy === 'retention' ? 'transcript retention' : 'deleted on request';
      throw new ApiError(
        HttpStatus.GONE,
        `The session's transcript was removed on ${session.linesRemovedAt.toISOString()} (${why}).`,
        'gone',
      );
    }
    const lines = await this.sessions.captionLines(id);
    const segments = lines.map((line) => ({ start: line.start, end: line.end, text: line.text }));
    const format = query.format ?? 'json';
    res
      .status(200)
      .type(CONTENT_TYPES[format])
      .send(
        exportTranscript(
          {
            jobId: id,
            language: session.language,
            kind: 'original',
            text: segments.map((s) => s.text).join(' '),
            durationS: segments.at(-1)?.end ?? 0,
            segments,
            words: [],
            providers: ['deepgram'],
            simulated: false,
          },
          format,
        ),
      );
  }

  @Delete(':id')
  @ApiOperation({ summary: "Delete an ended session's final lines; the session stays, its transcript answers 410." })
  async remove(@CurrentTenant() tenant: AuthenticatedTenant, @Param('id') id: string) {
    const session = await this.find(tenant.id, id);
    if (!this.isOver(session)) {
      throw new ApiError(
        HttpStatus.CONFLICT,
        'The session is still live: end it first (the speaker sends stop or disconnects).',
        'session_live',
      );
    }
    await this.sessions.removeLines([id], 'request');
    return { id, deleted: true };
  }

  /**
   * Ended (or read as ended: its API instance was lost), or started longer ago than a session may last, which
   * covers sessions stored before they named their instance and whose instance died.
   */
  private isOver(session: LiveSessionDocument): boolean {
    const maxSessionMs = this.config.live.maxSessionMinutes * 60_000;
    return session.status === 'ended' || Date.now() - session.startedAt.getTime() > maxSessionMs;
  }
}
