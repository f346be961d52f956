import { Schema } from 'mongoose';
import { requiredString, type TenantRecord, tenantRecordFields, writtenOnce } from './schema-parts';

/** An API key, stored as the SHA-256 of the key (`_id`), never the key itself. */
export interface ApiKeyDocument extends TenantRecord {
  /** `vfk_` + 8 characters, to recognise a key in listings. */
  prefix: string;
  label?: string;
  revokedAt?: Date;
}

export const API_KEY_MODEL = 'ApiKey';

export const ApiKeySchema = new Schema<ApiKeyDocument>(
  {
    ...tenantRecordFields,
    prefix: requiredString,
    label: String,
    revokedAt: Date,
  },
  writtenOnce('api_keys'),
);
ApiKeySchema.index({ tenantId: 1 });
