import { loadConfig, type TenantQuotaLimits } from '../../../libs/config';
import { withTenantKeys } from '../../../libs/tenants/tenant-keys';

/**
 * `voxflow quotas …`: the operator's per-tenant overrides of TENANT_MAX_*, in MongoDB. Tenants read their limits
 * (GET /v1/quotas) but cannot change them.
 */
export interface QuotaOptions {
  tenant: string;
  jobsInFlight?: string;
  audioHoursPerDay?: string;
  liveSessions?: string;
  reset?: boolean;
  json: boolean;
}

const FLAGS: [keyof TenantQuotaLimits, keyof QuotaOptions, string][] = [
  ['jobsInFlight', 'jobsInFlight', '--jobs-in-flight'],
  ['audioHoursPerDay', 'audioHoursPerDay', '--audio-hours-per-day'],
  ['liveSessions', 'liveSessions', '--live-sessions'],
];

/** `quotas set`: changes the given limits of the tenant (the others keep their value); `--reset` drops them all. */
export function setQuotasCommand(options: QuotaOptions): Promise<number> {
  return withTenantKeys(loadConfig().mongodb.uri, async ({ tenants, tenantId }) => {
    const id = await tenantId(options.tenant);
    const overrides = options.reset ? {} : { ...(await tenants.findById(id))!.quotas };
    for (const [field, option, flag] of FLAGS) {
      const value = options[option];
      if (value === undefined) continue;
      const number = Number(value);
      // 0 audio hours means no daily limit; the other limits are counts of at least one.
      if (!Number.isFinite(number) || number < (field === 'audioHoursPerDay' ? 0 : 1))
        throw new Error(`${flag} takes a ${field === 'audioHoursPerDay' ? 'number ≥ 0' : 'whole number ≥ 1'}`);
      overrides[field] = number;
    }
    await tenants.setQuotas(id, overrides);
    return showQuotas(options, overrides);
  });
}

/** `quotas show`: the tenant's limits, and which of them are its own. */
export function showQuotasCommand(options: Pick<QuotaOptions, 'tenant' | 'json'>): Promise<number> {
  return withTenantKeys(loadConfig().mongodb.uri, async ({ tenants, tenantId }) =>
    showQuotas(options, (await tenants.findById(await tenantId(options.tenant)))!.quotas),
  );
}

function showQuotas(options: Pick<QuotaOptions, 'tenant' | 'json'>, overrides: Partial<TenantQuotaLimits>): number {
  const limits = { ...loadConfig().quotas, ...overrides };
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ tenant: options.tenant, limits, overrides })}\n`);
    return 0;
  }
  const own = (field: keyof TenantQuotaLimits) => (overrides[field] === undefined ? '(default)' : '(this tenant)');
  process.stdout.write(
    `tenant               ${options.tenant}\n` +
      `jobs in flight       ${limits.jobsInFlight} ${own('jobsInFlight')}\n` +
      `audio hours per day  ${limits.audioHoursPerDay || 'no limit'} ${own('audioHoursPerDay')}\n` +
      `live sessions        ${limits.liveSessions} ${own('liveSessions')}\n`,
  );
  return 0;
}
