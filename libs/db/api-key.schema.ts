import { Schema } from 'mongoose';

/** An API key, stored as the SHA-256 of the key (`_id`), never the key itself. */
export interface ApiKeyDocument {
  _id: string;
  tenantId: string;
  /** `vfk_` + 8 characters, to recognise a key in listings. */
  prefix: string;
  label?: string;
  revokedAt?: Date;
  createdAt: Date;
}

export const API_KEY_MODEL = 'ApiKey';

export const ApiKeySchema = new Schema<ApiKeyDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    prefix: { type: String, required: true },
    label: String,
    revokedAt: Date,
  },
  { collection: 'api_keys', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
ApiKeySchema.index({ tenantId: 1 });
