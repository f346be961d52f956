import { generateApiKey } from '../auth/api-key';
import type { ApiKeysRepository } from '../db/api-keys.repository';
import type { TenantsRepository } from '../db/tenants.repository';
import type { WebhookSecretsRepository } from '../db/webhook-secrets.repository';
import { TenantNameTakenError } from '../db/tenants.repository';
import { newWebhookSecret } from '../webhooks/webhook-signature';

export interface ProvisionedKey {
  tenant: string;
  tenantId: string;
  /** Shown once: only its hash is stored. */
  key: string;
  webhookSecret: string;
}

/**
 * Creates API keys, creating their tenant (with a webhook signing secret) on first use. Used by
 * `voxflow keys create` and by the development-key seeding.
 */
export class TenantProvisioner {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly keys: ApiKeysRepository,
    private readonly secrets: WebhookSecretsRepository,
  ) {}

  async createKey(tenantName: string, key = generateApiKey(), label?: string): Promise<ProvisionedKey> {
    const tenant = await this.findOrCreateTenant(tenantName);
    let [secret] = await this.secrets.signingSecrets(tenant.id);
    if (!secret) {
      await this.secrets.rotate(tenant.id, newWebhookSecret());
      [secret] = await this.secrets.signingSecrets(tenant.id);
    }
    await this.keys.add(tenant.id, key, label);
    return { tenant: tenant.name, tenantId: tenant.id, key, webhookSecret: secret! };
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
