import { Body, Controller, Delete, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { InjectConfig, type AppConfig } from '../../../libs/config';
import type { LiveSessionDocument } from '../../../libs/db/live-session.schema';
import { LiveSessionsService } from '../../../libs/live/live-sessions.service';
import { CONTENT_TYPES, exportTranscript } from '../../../libs/transcripts/export-formats';
import { CurrentTenant, type AuthenticatedTenant } from '../auth/current-tenant.decorator';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, PageQuery } from '../common/page-query';
import { TranscriptQuery } from '../transcripts/transcript.query';
import { RequireScope } from '../auth/require-scope.decorator';
import { CreateViewerTokenDto } from './viewer-token.dto';

@ApiTags('live')
@ApiSecurity('api-key')
@Controller('live-sessions')
export class LiveSessionsController {
  constructor(
    private readonly sessions: LiveSessionsService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get()
  @RequireScope('live:watch')
  @ApiOperation({ summary: "The tenant's live sessions, newest first, cursor-paginated." })
  async list(@CurrentTenant() tenant: AuthenticatedTenant, @Query() query: PageQuery) {
    const { sessions, hasMore } = await this.sessions.list(tenant.id, {
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      after: decodeCursor(query.cursor, 'live'),
    });
    return {
      data: sessions.map((session) => this.view(session)),
      next_cursor: hasMore ? encodeCursor(sessions.at(-1)!._id) : null,
    };
  }

  @Get(':id')
  @RequireScope('live:watch')
  @ApiOperation({ summary: 'A live-caption session: status, language, times and how many final lines it has.' })
  async get(@CurrentTenant() tenant: AuthenticatedTenant, @Param('id') id: string) {
    const session = await this.sessions.get(tenant.id, id);
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
  @RequireScope('live:watch')
  @ApiOperation({ summary: 'The final lines so far, as json, txt, srt or vtt.' })
  @ApiProduces(...Object.values(CONTENT_TYPES))
  async transcript(
    @CurrentTenant() tenant: AuthenticatedTenant,
    @Param('id') id: string,
    @Query() query: TranscriptQuery,
    @Res() res: Response,
  ) {
    const format = query.format ?? 'json';
    const transcript = await this.sessions.transcript(tenant.id, id);
    res.status(200).type(CONTENT_TYPES[format]).send(exportTranscript(transcript, format));
  }

  @Post(':id/viewer-tokens')
  @RequireScope('live:speak')
  @ApiOperation({
    summary:
      'A short-lived token (4 h unless ttl_seconds says otherwise) that can watch this one session and nothing ' +
      'else, and the live page link that carries it (in the fragment, never sent to a server). Shown once.',
  })
  async viewerToken(
    @CurrentTenant() tenant: AuthenticatedTenant,
    @Param('id') id: string,
    @Body() body: CreateViewerTokenDto,
  ) {
    const { token, expiresAt } = await this.sessions.issueViewerToken(tenant.id, id, body.ttl_seconds);
    const fragment = new URLSearchParams({ session: id, token });
    return {
      token,
      session_id: id,
      expires_at: expiresAt.toISOString(),
      viewer_url: `${this.config.http.publicBaseUrl}/live/?role=viewer#${fragment}`,
    };
  }

  @Delete(':id')
  @RequireScope('live:speak')
  @ApiOperation({ summary: "Delete an ended session's final lines; the session stays, its transcript answers 410." })
  async remove(@CurrentTenant() tenant: AuthenticatedTenant, @Param('id') id: string) {
    await this.sessions.removeLines(tenant.id, id);
    return { id, deleted: true };
  }
}
