import { Schema } from 'mongoose';
import { requiredString, tenantRecordFields, writtenOnce, type TenantRecord } from './schema-parts';

/**
 * A token that may watch one live session until it expires: `_id` is its SHA-256, never the token. Insert-only;
 * expired ones are removed as the tenant issues new ones.
 */
export interface ViewerTokenDocument extends TenantRecord {
  sessionId: string;
  expiresAt: Date;
}

export const VIEWER_TOKEN_MODEL = 'ViewerToken';

export const ViewerTokenSchema = new Schema<ViewerTokenDocument>(
  {
    ...tenantRecordFields,
    sessionId: requiredString,
    expiresAt: { type: Date, required: true },
  },
  writtenOnce('viewer_tokens'),
);
ViewerTokenSchema.index({ tenantId: 1, expiresAt: 1 });
