import { Injectable } from '@nestjs/common';
import { hashApiKey } from '../../../libs/auth/api-key';
import { ApiKeysRepository } from '../../../libs/db/api-keys.repository';

const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

/**
 * Key → tenant, through a short cache so authentication costs no database round trip on busy keys.
 * A revoked key stops working within CACHE_TTL_MS. Only hashes are held, never keys.
 */
@Injectable()
export class ApiKeyResolver {
  private readonly cache = new Map<string, { tenantId: string | undefined; expiresAt: number }>();

  constructor(private readonly keys: ApiKeysRepository) {}

  async tenantOf(key: string): Promise<string | undefined> {
    const hash = hashApiKey(key);
    const cached = this.cache.get(hash);
    if (cached && cached.expiresAt > Date.now()) return cached.tenantId;
    const tenantId = await this.keys.tenantOf(key);
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    // Unknown keys are cached too, but briefly, so a key created a moment ago works almost at once.
    this.cache.set(hash, { tenantId, expiresAt: Date.now() + (tenantId ? CACHE_TTL_MS : 2_000) });
    return tenantId;
  }
}
