import { loadConfig } from '../../../libs/config';
import { provisionApiKey } from '../../../libs/tenants/provision-api-key';

/**
 * `voxflow keys create --tenant NAME`: an admin action against MongoDB (MONGODB_URI), not the API. The key
 * is printed once; only its hash is stored.
 */
export async function createKeyCommand(options: { tenant: string; label?: string; json: boolean }): Promise<number> {
  const created = await provisionApiKey(loadConfig().mongodb.uri, options.tenant, options.label);
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
}
