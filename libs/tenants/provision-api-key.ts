import mongoose from 'mongoose';
import { ApiKeysRepository } from '../db/api-keys.repository';
import { TenantsRepository } from '../db/tenants.repository';
import { WebhookSecretsRepository } from '../db/webhook-secrets.repository';
import { TenantProvisioner, type ProvisionedKey } from './tenant-provisioner';

/**
 * An API key for `tenantName` (created on first use), written straight to MongoDB: for tools that run
 * outside the apps (`voxflow keys create`, the demo, the benchmarks). Connects and disconnects itself.
 */
export async function provisionApiKey(mongodbUri: string, tenantName: string, label?: string): Promise<ProvisionedKey> {
  const connection = await mongoose.createConnection(mongodbUri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  try {
    const repositories = [
      new TenantsRepository(connection),
      new ApiKeysRepository(connection),
      new WebhookSecretsRepository(connection),
    ] as const;
    await Promise.all(repositories.map((repository) => repository.init()));
    return await new TenantProvisioner(...repositories).createKey(tenantName, undefined, label);
  } finally {
    await connection.close();
  }
}
