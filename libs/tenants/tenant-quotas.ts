import { Injectable } from '@nestjs/common';
import { InjectConfig, type AppConfig, type TenantQuotaLimits } from '../config';
import { JobsRepository } from '../db/jobs.repository';
import { TenantsRepository } from '../db/tenants.repository';
import { DomainError } from '../errors/domain-error';

/** When a tenant refused for its jobs in flight may try again: about when a short job ends. */
const IN_FLIGHT_RETRY_S = 30;

const startOfUtcDay = (now = new Date()) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
const HOUR_S = 3600;

/** A tenant's limits and what it uses of them now. */
export interface QuotaView {
  limits: TenantQuotaLimits;
  jobsInFlight: number;
  audioHoursToday: number;
  /** When today's audio count starts over (UTC midnight). */
  resetsAt: Date;
}

/**
 * Per-tenant admission: the configured limits (TENANT_MAX_*), or the tenant's own overrides (`voxflow quotas
 * set`, an operator's action). A refusal is a 429 `quota_exceeded` with when to retry; nothing is stored.
 */
@Injectable()
export class TenantQuotas {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly tenants: TenantsRepository,
    private readonly jobs: JobsRepository,
  ) {}

  async limits(tenantId: string): Promise<TenantQuotaLimits> {
    const overrides = (await this.tenants.findById(tenantId))?.quotas ?? {};
    return { ...this.config.quotas, ...overrides };
  }

  async view(tenantId: string): Promise<QuotaView> {
    const [limits, jobsInFlight, audio] = await Promise.all([
      this.limits(tenantId),
      this.jobs.inFlightCount(tenantId),
      this.audioToday(tenantId),
    ]);
    return { limits, jobsInFlight, ...audio };
  }

  /**
   * Refuses a new job while the tenant has its limit of jobs queued or running, or has submitted its hours of
   * audio today (summed only when there is such a limit). Checked as a job is submitted, so concurrent
   * submissions may pass it together (by their number at most); a job's own length counts once it is known.
   */
  async admitJob(tenantId: string): Promise<void> {
    const [limits, jobsInFlight] = await Promise.all([this.limits(tenantId), this.jobs.inFlightCount(tenantId)]);
    if (jobsInFlight >= limits.jobsInFlight) {
      throw new DomainError(
        'limited',
        `The tenant has ${jobsInFlight} jobs queued or running, its limit; submit more as they finish.`,
        'quota_exceeded',
        { quota: 'jobs_in_flight', limit: limits.jobsInFlight },
        IN_FLIGHT_RETRY_S,
      );
    }
    if (limits.audioHoursPerDay === 0) return;
    const { audioHoursToday, resetsAt } = await this.audioToday(tenantId);
    if (audioHoursToday >= limits.audioHoursPerDay) {
      throw new DomainError(
        'limited',
        `The tenant submitted ${audioHoursToday} h of audio today, its limit of ${limits.audioHoursPerDay} h.`,
        'quota_exceeded',
        { quota: 'audio_hours_per_day', limit: limits.audioHoursPerDay, resets_at: resetsAt.toISOString() },
        Math.max(1, Math.ceil((resetsAt.getTime() - Date.now()) / 1000)),
      );
    }
  }

  private async audioToday(tenantId: string): Promise<Pick<QuotaView, 'audioHoursToday' | 'resetsAt'>> {
    const today = startOfUtcDay();
    const seconds = await this.jobs.audioSecondsSince(tenantId, today);
    return {
      audioHoursToday: Math.round((seconds / HOUR_S) * 1000) / 1000,
      resetsAt: new Date(today.getTime() + 24 * HOUR_S * 1000),
    };
  }
}
