import { Schema } from 'mongoose';
import { SCOPES, type Scope } from '../auth/scopes';
import { requiredString, tenantRecordFields, writtenOnce, type TenantRecord } from './schema-parts';

/**
 * An API key, stored as the SHA-256 of the key (`_id`), never the key itself. Written once, then only revoked
 * (by its tenant's admin), so every document has one writer.
 */
export interface ApiKeyDocument extends TenantRecord {
  /** `key_…`: how listings and the admin API name the key. */
  keyId: string;
  /** `vfk_` + 8 characters, to recognise a key in listings. */
  prefix: string;
  label?: string;
  scopes: Scope[];
  expiresAt?: Date;
  revokedAt?: Date;
}

/** When a key was last used: a document of its own, written by every API instance that authenticates it. */
export interface ApiKeyUseDocument {
  _id: string;
  at: Date;
}

export const API_KEY_MODEL = 'ApiKey';
export const API_KEY_USE_MODEL = 'ApiKeyUse';

export const ApiKeySchema = new Schema<ApiKeyDocument>(
  {
    ...tenantRecordFields,
    keyId: requiredString,
    prefix: requiredString,
    label: String,
    scopes: { type: [String], enum: SCOPES, required: true },
    expiresAt: Date,
    revokedAt: Date,
  },
  writtenOnce('api_keys'),
);
ApiKeySchema.index({ tenantId: 1, keyId: 1 }, { unique: true });

export const ApiKeyUseSchema = new Schema<ApiKeyUseDocument>(
  { _id: requiredString, at: { type: Date, required: true } },
  { collection: 'api_key_uses', versionKey: false },
);
