import type { Connection, Model } from 'mongoose';
import { apiKeyPrefix, hashApiKey } from '../auth/api-key';
import { API_KEY_MODEL, ApiKeySchema, type ApiKeyDocument } from './api-key.schema';
import { modelOn } from './model-on';
import { isDuplicateKeyError } from './mongo-errors';

export class ApiKeysRepository {
  private readonly model: Model<ApiKeyDocument>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, API_KEY_MODEL, ApiKeySchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  /** Stores a key's hash for a tenant; storing the same key again is a no-op (dev-key seeding relies on it). */
  async add(tenantId: string, key: string, label?: string): Promise<void> {
    try {
      await this.model.create({ _id: hashApiKey(key), tenantId, prefix: apiKeyPrefix(key), label });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /** The tenant a presented key belongs to, unless unknown or revoked. */
  async tenantOf(key: string): Promise<string | undefined> {
    const doc = await this.model.findById(hashApiKey(key)).lean();
    return doc && !doc.revokedAt ? doc.tenantId : undefined;
  }

  async listForTenant(
    tenantId: string,
  ): Promise<Pick<ApiKeyDocument, 'prefix' | 'label' | 'createdAt' | 'revokedAt'>[]> {
    return this.model.find({ tenantId }, { _id: 0, prefix: 1, label: 1, createdAt: 1, revokedAt: 1 }).lean();
  }
}
