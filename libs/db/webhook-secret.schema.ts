import { Schema } from 'mongoose';
import { requiredNumber, requiredString, type TenantRecord, tenantRecordFields, writtenOnce } from './schema-parts';

/**
 * One version of a tenant's Standard Webhooks secret (whsec_…). Rotation appends a version instead of
 * updating in place: `_id` = `${tenantId}:${version}` is unique, so concurrent rotations cannot overwrite
 * each other, on MongoDB or on FerretDB (whose SQLite backend does not make conditional updates atomic).
 */
export interface WebhookSecretDocument extends TenantRecord {
  version: number;
  secret: string;
}

export const WEBHOOK_SECRET_MODEL = 'WebhookSecret';

export const WebhookSecretSchema = new Schema<WebhookSecretDocument>(
  {
    ...tenantRecordFields,
    version: requiredNumber,
    secret: requiredString,
  },
  writtenOnce('webhook_secrets'),
);
WebhookSecretSchema.index({ tenantId: 1, version: -1 });
