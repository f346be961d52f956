import { Schema } from 'mongoose';

/**
 * One version of a tenant's Standard Webhooks secret (whsec_…). Rotation appends a version instead of
 * updating in place: `_id` = `${tenantId}:${version}` is unique, so concurrent rotations cannot overwrite
 * each other, on MongoDB or on FerretDB (whose SQLite backend does not make conditional updates atomic).
 */
export interface WebhookSecretDocument {
  _id: string;
  tenantId: string;
  version: number;
  secret: string;
  createdAt: Date;
}

export const WEBHOOK_SECRET_MODEL = 'WebhookSecret';

export const WebhookSecretSchema = new Schema<WebhookSecretDocument>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    version: { type: Number, required: true },
    secret: { type: String, required: true },
  },
  { collection: 'webhook_secrets', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
WebhookSecretSchema.index({ tenantId: 1, version: -1 });
