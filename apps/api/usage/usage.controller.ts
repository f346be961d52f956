import { Controller, Get, HttpStatus, Query } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { JobsService } from '../../../libs/jobs/jobs.service';
import { LiveSessionsService } from '../../../libs/live/live-sessions.service';
import { TenantQuotas } from '../../../libs/tenants/tenant-quotas';
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

@ApiTags('usage')
@ApiSecurity('api-key')
@Controller('quotas')
export class QuotasController {
  constructor(
    private readonly quotas: TenantQuotas,
    private readonly liveSessions: LiveSessionsService,
  ) {}

  @Get()
  @RequireScope('jobs:read')
  @ApiOperation({
    summary:
      "The tenant's limits (set by the operator) and what it uses of them now; past one, submissions or live " +
      'sessions answer 429 quota_exceeded.',
  })
  async get(@CurrentTenant() tenant: AuthenticatedTenant) {
    const [view, live] = await Promise.all([this.quotas.view(tenant.id), this.liveSessions.runningCount(tenant.id)]);
    return {
      jobs_in_flight: { limit: view.limits.jobsInFlight, used: view.jobsInFlight },
      audio_hours_per_day: {
        limit: view.limits.audioHoursPerDay || null,
        used: view.audioHoursToday,
        resets_at: view.resetsAt.toISOString(),
      },
      live_sessions: { limit: view.limits.liveSessions, used: live },
    };
  }
}
