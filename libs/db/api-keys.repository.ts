import type { Connection, Model } from 'mongoose';
import {
  API_KEY_MODEL,
  API_KEY_USE_MODEL,
  ApiKeySchema,
  ApiKeyUseSchema,
  type ApiKeyDocument,
  type ApiKeyUseDocument,
} from './api-key.schema';
import { modelOn } from './model-on';
import { isDuplicateKeyError } from './mongo-errors';

export type NewApiKey = Omit<ApiKeyDocument, 'createdAt' | 'revokedAt'>;

export class ApiKeysRepository {
  private readonly keys: Model<ApiKeyDocument>;
  private readonly uses: Model<ApiKeyUseDocument>;

  constructor(connection: Connection) {
    this.keys = modelOn(connection, API_KEY_MODEL, ApiKeySchema);
    this.uses = modelOn(connection, API_KEY_USE_MODEL, ApiKeyUseSchema);
  }

  async init(): Promise<void> {
    await Promise.all([this.keys.init(), this.uses.init()]);
  }

  /** Stores a key and returns it as stored; undefined when a key with the same hash is already stored. */
  async add(key: NewApiKey): Promise<ApiKeyDocument | undefined> {
    try {
      return (await this.keys.create(key)).toObject();
    } catch (error) {
      if (isDuplicateKeyError(error)) return undefined;
      throw error;
    }
  }

  /** A key by the hash of its secret: a point read by `_id`. */
  async findByHash(hash: string): Promise<ApiKeyDocument | undefined> {
    return (await this.keys.findById(hash).lean()) ?? undefined;
  }

  async findForTenant(tenantId: string, keyId: string): Promise<ApiKeyDocument | undefined> {
    return (await this.keys.findOne({ tenantId, keyId }).lean()) ?? undefined;
  }

  /** The tenant's keys, newest first. */
  async listForTenant(tenantId: string): Promise<ApiKeyDocument[]> {
    return this.keys.find({ tenantId }).sort({ keyId: -1 }).lean();
  }

  /** Marks the key revoked (keeping the first revocation time); false when the tenant has no such key. */
  async revoke(tenantId: string, keyId: string, at = new Date()): Promise<boolean> {
    const found = await this.keys.findOne({ tenantId, keyId }, { _id: 1, revokedAt: 1 }).lean();
    if (!found) return false;
    if (!found.revokedAt) await this.keys.updateOne({ _id: found._id }, { $set: { revokedAt: at } });
    return true;
  }

  async recordUse(hash: string, at = new Date()): Promise<void> {
    await this.uses.updateOne({ _id: hash }, { $max: { at } }, { upsert: true }).catch((error: unknown) => {
      // Two instances inserting the first use at once: the other's time stands.
      if (!isDuplicateKeyError(error)) throw error;
    });
  }

  /** When each of the keys (by hash) was last used, where recorded. */
  async lastUses(hashes: string[]): Promise<Map<string, Date>> {
    const uses = await Promise.all(hashes.map((hash) => this.uses.findById(hash).lean()));
    return new Map(uses.flatMap((use) => (use ? [[use._id, use.at] as const] : [])));
  }
}
