import { Schema } from 'mongoose';

/**
 * An `Idempotency-Key` claim: `_id` = `${tenantId}:${key}`. The first request to insert it owns the key;
 * every later request with the same key gets that job (same body) or a 422 (different body). Kept ≥ 24 h.
 */
export interface IdempotencyKeyDocument {
  _id: string;
  tenantId: string;
  requestHash: string;
  jobId: string;
  createdAt: Date;
}

export const IDEMPOTENCY_KEY_MODEL = 'IdempotencyKey';

export const IdempotencyKeySchema = new Schema<IdempotencyKeyDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    requestHash: { type: String, required: true },
    jobId: { type: String, required: true },
  },
  { collection: 'idempotency_keys', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
IdempotencyKeySchema.index({ createdAt: 1 });
