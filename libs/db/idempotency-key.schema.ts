import { Schema } from 'mongoose';
import { requiredString, type TenantRecord, tenantRecordFields, writtenOnce } from './schema-parts';

/**
 * An `Idempotency-Key` claim: `_id` = `${tenantId}:${key}`. The first request to insert it owns the key;
 * every later request with the same key gets that job (same body) or a 422 (different body). Kept ≥ 24 h.
 */
export interface IdempotencyKeyDocument extends TenantRecord {
  requestHash: string;
  jobId: string;
}

export const IDEMPOTENCY_KEY_MODEL = 'IdempotencyKey';

export const IdempotencyKeySchema = new Schema<IdempotencyKeyDocument>(
  {
    ...tenantRecordFields,
    requestHash: requiredString,
    jobId: requiredString,
  },
  writtenOnce('idempotency_keys'),
);
IdempotencyKeySchema.index({ createdAt: 1 });
IdempotencyKeySchema.index({ jobId: 1 });
