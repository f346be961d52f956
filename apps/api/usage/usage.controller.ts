import { Controller, Get, HttpStatus, Query } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { JobsService } from '../../../libs/jobs/jobs.service';
import { LiveSessionsService } from '../../../libs/live/live-sessions.service';
import { CurrentTenant, type AuthenticatedTenant } from '../auth/current-tenant.decorator';
import { ApiError } from '../common/api-error';
import { UsageQuery } from './usage.query';
import { RequireScope } from '../auth/require-scope.decorator';

const DAY_MS = 24 * 60 * 60 * 1000;

@ApiTags('usage')
@ApiSecurity('api-key')
@Controller('usage')
export class UsageController {
  constructor(
    private readonly jobs: JobsService,
    private readonly liveSessions: LiveSessionsService,
  ) {}

  @Get()
  @RequireScope('jobs:read')
  @ApiOperation({
    summary:
      'Audio seconds and requests per provider for jobs finished in [from, to), and live sessions started in it.',
  })
  async get(@CurrentTenant() tenant: AuthenticatedTenant, @Query() query: UsageQuery) {
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY_MS);
    if (from >= to) throw new ApiError(HttpStatus.BAD_REQUEST, 'from must be before to.');
    const [{ jobs, usage }, live] = await Promise.all([
      this.jobs.usage(tenant.id, from, to),
      this.liveSessions.usage(tenant.id, from, to),
    ]);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      jobs,
      providers: usage.map((u) => ({ provider: u.provider, audio_seconds: u.audioSeconds, requests: u.requests })),
      // Live captions stream to Deepgram: sessions started in the range, with the audio each relayed (recorded
      // when it ends; while it is live, or its API instance crashed, as of its host's last heartbeat).
      live: { sessions: live.sessions, audio_seconds: live.audioSeconds },
    };
  }
}
