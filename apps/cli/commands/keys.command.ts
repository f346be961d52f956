import { keyView, type IssuedKey } from '../../../libs/auth/api-keys.service';
import { isScope, SCOPES, type Scope } from '../../../libs/auth/scopes';
import { loadConfig } from '../../../libs/config';
import { withTenantKeys, type TenantKeys } from '../../../libs/tenants/tenant-keys';

/**
 * `voxflow keys …`: operator actions against MongoDB (MONGODB_URI), not the API, so the first key of a tenant
 * can be made. A key is printed once; only its hash is stored.
 */
const withKeys = <T>(use: (tools: TenantKeys) => Promise<T>) => withTenantKeys(loadConfig().mongodb.uri, use);

const print = (json: boolean, value: unknown, text: string) =>
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : text);

/** Parses `--scopes a,b`; every scope when omitted. */
function parseScopes(list?: string): Scope[] | undefined {
  if (list === undefined) return undefined;
  const scopes = list.split(',').map((scope) => scope.trim());
  const unknown = scopes.filter((scope) => !isScope(scope));
  if (unknown.length) throw new Error(`unknown scope ${unknown.join(', ')}: choose from ${SCOPES.join(', ')}`);
  return scopes as Scope[];
}

const SHOWN_ONCE = 'The key is shown only now; store it safely.\n';

function issuedText(issued: IssuedKey): string {
  const view = keyView(issued.record);
  return (
    `key id          ${view.id}\n` +
    `api key         ${issued.key}\n` +
    `scopes          ${view.scopes.join(' ')}\n` +
    (view.expires_at ? `expires         ${view.expires_at}\n` : '')
  );
}

export interface CreateKeyOptions {
  tenant: string;
  label?: string;
  scopes?: string;
  expiresInDays?: string;
  json: boolean;
}

/** `keys create`: a key of the tenant (created, with its webhook secret, on first use). */
export function createKeyCommand(options: CreateKeyOptions): Promise<number> {
  const days = options.expiresInDays === undefined ? undefined : Number(options.expiresInDays);
  if (days !== undefined && !(days > 0)) throw new Error('--expires-in-days takes a positive number');
  const expiresAt = days === undefined ? undefined : new Date(Date.now() + days * 86_400_000);
  return withKeys(async ({ provisioner }) => {
    const created = await provisioner.createKey(options.tenant, {
      label: options.label,
      scopes: parseScopes(options.scopes),
      expiresAt,
    });
    print(
      options.json,
      {
        tenant: created.tenant,
        id: created.record.keyId,
        key: created.key,
        scopes: created.record.scopes,
        webhook_secret: created.webhookSecret,
      },
      `tenant          ${created.tenant} (${created.tenantId})\n${issuedText(created)}` +
        `webhook secret  ${created.webhookSecret}\n${SHOWN_ONCE}`,
    );
    return 0;
  });
}

/** `keys list`: the tenant's keys by prefix, never their secrets. */
export function listKeysCommand(options: { tenant: string; json: boolean }): Promise<number> {
  return withKeys(async ({ keys, tenantId }) => {
    const views = await keys.list(await tenantId(options.tenant));
    const rows = views.map(
      (key) =>
        `${key.id}  ${key.prefix}…  ${key.scopes.join(',')}  ${key.revoked_at ? `revoked ${key.revoked_at}` : key.expires_at ? `expires ${key.expires_at}` : 'active'}  last used ${key.last_used_at ?? 'never'}${key.label ? `  ${key.label}` : ''}\n`,
    );
    print(options.json, { data: views }, rows.join('') || 'no keys\n');
    return 0;
  });
}

/** `keys revoke ID`: every API instance refuses it within 5 s. */
export function revokeKeyCommand(id: string, options: { tenant: string; json: boolean }): Promise<number> {
  return withKeys(async ({ keys, tenantId }) => {
    await keys.revoke(await tenantId(options.tenant), id);
    print(options.json, { id, revoked: true }, `revoked ${id}\n`);
    return 0;
  });
}

/** `keys rotate ID`: a new key with the same label, scopes and expiry; the old one is revoked. */
export function rotateKeyCommand(id: string, options: { tenant: string; json: boolean }): Promise<number> {
  return withKeys(async ({ keys, tenantId }) => {
    const issued = await keys.rotate(await tenantId(options.tenant), id);
    print(
      options.json,
      { ...keyView(issued.record), key: issued.key, replaces: id },
      `revoked ${id}\n${issuedText(issued)}${SHOWN_ONCE}`,
    );
    return 0;
  });
}
