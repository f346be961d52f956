import mongoose from 'mongoose';
import { ApiKeysService, type KeyOptions } from '../auth/api-keys.service';
import { ApiKeysRepository } from '../db/api-keys.repository';
import { TenantsRepository } from '../db/tenants.repository';
import { WebhookSecretsRepository } from '../db/webhook-secrets.repository';
import { DomainError } from '../errors/domain-error';
import { TenantProvisioner, type ProvisionedKey } from './tenant-provisioner';

export interface TenantKeys {
  provisioner: TenantProvisioner;
  tenants: TenantsRepository;
  keys: ApiKeysService;
  /** The id of the tenant named `name`; not_found when there is none. */
  tenantId: (name: string) => Promise<string>;
}

/**
 * Tenants, their keys and quotas, straight in MongoDB: for tools that run outside the apps (`voxflow keys`,
 * `voxflow quotas`, the demo, the benchmarks). Connects, runs `use`, disconnects.
 */
export async function withTenantKeys<T>(mongodbUri: string, use: (tools: TenantKeys) => Promise<T>): Promise<T> {
  const connection = await mongoose.createConnection(mongodbUri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  try {
    const tenants = new TenantsRepository(connection);
    const keyRecords = new ApiKeysRepository(connection);
    const secrets = new WebhookSecretsRepository(connection);
    await Promise.all([tenants.init(), keyRecords.init(), secrets.init()]);
    const keys = new ApiKeysService(keyRecords);
    return await use({
      provisioner: new TenantProvisioner(tenants, keys, secrets),
      tenants,
      keys,
      tenantId: async (name) => {
        const tenant = await tenants.findByName(name);
        if (!tenant) throw new DomainError('not_found', `No tenant named "${name}".`);
        return tenant.id;
      },
    });
  } finally {
    await connection.close();
  }
}

/** A key of `tenantName` (the tenant is created on first use). */
export function provisionApiKey(mongodbUri: string, tenantName: string, options?: KeyOptions): Promise<ProvisionedKey> {
  return withTenantKeys(mongodbUri, ({ provisioner }) => provisioner.createKey(tenantName, options));
}
