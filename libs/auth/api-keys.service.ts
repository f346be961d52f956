import { Injectable } from '@nestjs/common';
import type { ApiKeyDocument } from '../db/api-key.schema';
import { ApiKeysRepository, type NewApiKey } from '../db/api-keys.repository';
import { newId } from '../db/ids';
import { DomainError } from '../errors/domain-error';
import { apiKeyPrefix, generateApiKey, hashApiKey } from './api-key';
import { SCOPES, type Scope } from './scopes';

/** What a presented key may do, and for whom. */
export interface KeyGrant {
  tenantId: string;
  scopes: Scope[];
  expiresAt?: Date;
}

export interface KeyOptions {
  label?: string;
  /** Every scope when omitted. */
  scopes?: Scope[];
  expiresAt?: Date;
}

/** A key as it was just issued: the secret, shown this once, and its record. */
export interface IssuedKey {
  key: string;
  record: ApiKeyDocument;
}

export type KeyView = ReturnType<typeof keyView>;

/** A key as listings show it: never the secret, nor its hash. */
export function keyView(record: ApiKeyDocument, lastUsedAt?: Date) {
  return {
    id: record.keyId,
    prefix: record.prefix,
    label: record.label ?? null,
    scopes: record.scopes,
    created_at: record.createdAt.toISOString(),
    expires_at: record.expiresAt?.toISOString() ?? null,
    revoked_at: record.revokedAt?.toISOString() ?? null,
    last_used_at: lastUsedAt?.toISOString() ?? null,
  };
}

/**
 * API keys: issued with scopes and an optional expiry, listed by prefix, revoked or rotated by their tenant.
 * Only the SHA-256 of a key is stored; a revoked or expired key grants nothing.
 */
@Injectable()
export class ApiKeysService {
  constructor(private readonly keys: ApiKeysRepository) {}

  /**
   * Issues a key (`key` only for a configured development key). Issuing a secret that is already stored
   * returns that key's record unchanged.
   */
  async issue(tenantId: string, options: KeyOptions = {}, key = generateApiKey()): Promise<IssuedKey> {
    if (options.expiresAt && options.expiresAt.getTime() <= Date.now())
      throw new DomainError('invalid', 'expires_at must be in the future.', 'invalid_request');
    const record: NewApiKey = {
      _id: hashApiKey(key),
      tenantId,
      keyId: newId('key'),
      prefix: apiKeyPrefix(key),
      label: options.label,
      scopes: options.scopes?.length ? [...new Set(options.scopes)] : [...SCOPES],
      expiresAt: options.expiresAt,
    };
    return { key, record: (await this.keys.add(record)) ?? (await this.keys.findByHash(record._id))! };
  }

  /** The tenant's keys, newest first, with when each was last used. */
  async list(tenantId: string): Promise<KeyView[]> {
    const records = await this.keys.listForTenant(tenantId);
    const lastUses = await this.keys.lastUses(records.map((record) => record._id));
    return records.map((record) => keyView(record, lastUses.get(record._id)));
  }

  async revoke(tenantId: string, keyId: string): Promise<void> {
    if (!(await this.keys.revoke(tenantId, keyId))) throw new DomainError('not_found', `No key ${keyId}.`);
  }

  /** A new key with the same label, scopes and expiry; the old one is revoked. */
  async rotate(tenantId: string, keyId: string): Promise<IssuedKey> {
    const old = await this.keys.findForTenant(tenantId, keyId);
    if (!old) throw new DomainError('not_found', `No key ${keyId}.`);
    if (old.revokedAt) throw new DomainError('conflict', `Key ${keyId} is revoked.`, 'key_revoked');
    const issued = await this.issue(tenantId, { label: old.label, scopes: old.scopes, expiresAt: old.expiresAt });
    await this.keys.revoke(tenantId, keyId);
    return issued;
  }

  /** What a presented key grants: undefined when it is unknown, revoked or expired. */
  async resolve(key: string): Promise<KeyGrant | undefined> {
    const record = await this.keys.findByHash(hashApiKey(key));
    if (!record || record.revokedAt || (record.expiresAt && record.expiresAt.getTime() <= Date.now())) return undefined;
    return { tenantId: record.tenantId, scopes: record.scopes, expiresAt: record.expiresAt };
  }

  recordUse(key: string, at = new Date()): Promise<void> {
    return this.keys.recordUse(hashApiKey(key), at);
  }
}
