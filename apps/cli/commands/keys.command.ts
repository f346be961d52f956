import mongoose from 'mongoose';
import { loadConfig } from '../../../libs/config';
import { ApiKeysRepository } from '../../../libs/db/api-keys.repository';
import { TenantsRepository } from '../../../libs/db/tenants.repository';
import { WebhookSecretsRepository } from '../../../libs/db/webhook-secrets.repository';
import { TenantProvisioner } from '../../../libs/tenants/tenant-provisioner';

/**
 * `voxflow keys create --tenant NAME`: an admin action against MongoDB (MONGODB_URI), not the API. The key
 * is printed once; only its hash is stored.
 */
export async function createKeyCommand(options: { tenant: string; label?: string; json: boolean }): Promise<number> {
  const config = loadConfig();
  const connection = await mongoose
    .createConnection(config.mongodb.uri, { serverSelectionTimeoutMS: 5_000 })
    .asPromise();
  try {
    const [tenants, keys, secrets] = [
      new TenantsRepository(connection),
      new ApiKeysRepository(connection),
      new WebhookSecretsRepository(connection),
    ];
    await Promise.all([tenants.init(), keys.init(), secrets.init()]);
    const created = await new TenantProvisioner(tenants, keys, secrets).createKey(
      options.tenant,
      undefined,
      options.label,
    );
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ tenant: created.tenant, key: created.key, webhook_secret: created.webhookSecret })}\n`,
      );
    } else {
      process.stdout.write(
        `tenant          ${created.tenant} (${created.tenantId})\n` +
          `api key         ${created.key}\n` +
          `webhook secret  ${created.webhookSecret}\n` +
          'The key is shown only now; store it safely.\n',
      );
    }
    return 0;
  } finally {
    await connection.close();
  }
}
