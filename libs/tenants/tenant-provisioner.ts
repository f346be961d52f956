import type { ApiKeysService, IssuedKey, KeyOptions } from '../auth/api-keys.service';
import type { TenantsRepository } from '../db/tenants.repository';
import type { WebhookSecretsRepository } from '../db/webhook-secrets.repository';
import { TenantNameTakenError } from '../db/tenants.repository';
import { newWebhookSecret } from '../webhooks/webhook-signature';

/** An issued key (the secret, shown once, and its record) with its tenant and the tenant's webhook secret. */
export interface ProvisionedKey extends IssuedKey {
  tenant: string;
  tenantId: string;
  webhookSecret: string;
}

/**
 * Creates API keys, creating their tenant (with a webhook signing secret) on first use. Used by
 * `voxflow keys create` and by the development-key seeding.
 */
export class TenantProvisioner {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly keys: ApiKeysService,
    private readonly secrets: WebhookSecretsRepository,
  ) {}

  /** A key of the tenant named `tenantName`; `key` only for a configured development key. */
  async createKey(tenantName: string, options: KeyOptions = {}, key?: string): Promise<ProvisionedKey> {
    const tenant = await this.findOrCreateTenant(tenantName);
    let [secret] = await this.secrets.signingSecrets(tenant.id);
    if (!secret) {
      await this.secrets.rotate(tenant.id, newWebhookSecret());
      [secret] = await this.secrets.signingSecrets(tenant.id);
    }
    const issued = await this.keys.issue(tenant.id, options, key);
    return { ...issued, tenant: tenant.name, tenantId: tenant.id, webhookSecret: secret! };
  }

  private async findOrCreateTenant(name: string) {
    const existing = await this.tenants.findByName(name);
    if (existing) return existing;
    try {
      return await this.tenants.create(name);
    } catch (error) {
      // Someone else created it between the read and the insert: theirs stands.
      if (error instanceof TenantNameTakenError) return (await this.tenants.findByName(name))!;
      throw error;
    }
  }
}
