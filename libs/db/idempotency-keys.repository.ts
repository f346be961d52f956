import type { Connection, Model } from 'mongoose';
import { IDEMPOTENCY_KEY_MODEL, IdempotencyKeySchema, type IdempotencyKeyDocument } from './idempotency-key.schema';
import { modelOn } from './model-on';
import { isDuplicateKeyError } from './mongo-errors';

export type IdempotencyClaim =
  { claimed: true } | { claimed: false; requestHash: string; jobId: string; claimedAt: Date };

export class IdempotencyKeysRepository {
  private readonly model: Model<IdempotencyKeyDocument>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, IDEMPOTENCY_KEY_MODEL, IdempotencyKeySchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  /** Claims `key` for `jobId`; the unique `_id` makes exactly one of any number of concurrent claims win. */
  async claim(tenantId: string, key: string, requestHash: string, jobId: string): Promise<IdempotencyClaim> {
    const _id = `${tenantId}:${key}`;
    try {
      await this.model.create({ _id, tenantId, requestHash, jobId });
      return { claimed: true };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await this.model.findById(_id).lean();
      if (!existing) return this.claim(tenantId, key, requestHash, jobId);
      return {
        claimed: false,
        requestHash: existing.requestHash,
        jobId: existing.jobId,
        claimedAt: existing.createdAt,
      };
    }
  }

  /**
   * Gives a key back when its job could not be started, or when the request that claimed it died before
   * recording the job, so a retry of the request can succeed. Only the claim for `jobId` is removed.
   */
  async release(tenantId: string, key: string, jobId: string): Promise<void> {
    await this.model.deleteOne({ _id: `${tenantId}:${key}`, jobId });
  }

  /** The keys that named the job; returns how many there were. */
  async removeForJob(jobId: string): Promise<number> {
    return (await this.model.deleteMany({ jobId })).deletedCount;
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    return (await this.model.deleteMany({ createdAt: { $lt: cutoff } })).deletedCount;
  }
}
