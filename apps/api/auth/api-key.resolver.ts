import { Injectable, Logger } from '@nestjs/common';
import { hashApiKey } from '../../../libs/auth/api-key';
import { ApiKeysService, type KeyGrant } from '../../../libs/auth/api-keys.service';

/** A revoked key stops working on every API instance within 5 s: no instance trusts its cache longer. */
const CACHE_TTL_MS = 4_000;
/** Unknown keys are cached too, but briefly, so a key created a moment ago works almost at once. */
const UNKNOWN_TTL_MS = 1_000;
const CACHE_MAX = 10_000;
/** How often an instance records that a key is in use. */
const USE_RECORD_INTERVAL_MS = 60_000;

/**
 * Key → grant (tenant, scopes), through a short cache so authentication costs a database round trip per
 * key every few seconds at most. Only hashes are held, never keys.
 */
@Injectable()
export class ApiKeyResolver {
  private readonly logger = new Logger(ApiKeyResolver.name);
  private readonly cache = new Map<string, { grant: KeyGrant | undefined; until: number }>();
  private readonly usesRecorded = new Map<string, number>();

  constructor(private readonly keys: ApiKeysService) {}

  async grantOf(key: string): Promise<KeyGrant | undefined> {
    const hash = hashApiKey(key);
    const now = Date.now();
    let entry = this.cache.get(hash);
    if (!entry || entry.until <= now) {
      const grant = await this.keys.resolve(key);
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      const ttl = grant ? Math.min(CACHE_TTL_MS, (grant.expiresAt?.getTime() ?? Infinity) - now) : UNKNOWN_TTL_MS;
      entry = { grant, until: now + ttl };
      this.cache.set(hash, entry);
    }
    if (entry.grant) this.noteUse(hash, key, now);
    return entry.grant;
  }

  private noteUse(hash: string, key: string, now: number): void {
    if (now - (this.usesRecorded.get(hash) ?? 0) < USE_RECORD_INTERVAL_MS) return;
    if (this.usesRecorded.size >= CACHE_MAX) this.usesRecorded.clear();
    this.usesRecorded.set(hash, now);
    this.keys
      .recordUse(key, new Date(now))
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not record a key use'));
  }
}
