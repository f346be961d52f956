import type { Connection, Model } from 'mongoose';
import { modelOn } from './model-on';
import { isDuplicateKeyError } from './mongo-errors';
import { WEBHOOK_SECRET_MODEL, WebhookSecretSchema, type WebhookSecretDocument } from './webhook-secret.schema';

/** How long a replaced secret keeps signing, so receivers can switch over without dropping events. */
export const SECRET_ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;

/** Versioned webhook signing secrets per tenant (append-only; see webhook-secret.schema.ts). */
export class WebhookSecretsRepository {
  private readonly model: Model<WebhookSecretDocument>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, WEBHOOK_SECRET_MODEL, WebhookSecretSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  /**
   * Secrets that sign webhooks now: the newest first, then the one it replaced while that is inside
   * its grace period. Signing with both lets receivers verify with either.
   */
  async signingSecrets(tenantId: string, now = new Date(), graceMs = SECRET_ROTATION_GRACE_MS): Promise<string[]> {
    const [current, previous] = await this.latest(tenantId, 2);
    if (!current) return [];
    const previousValid = previous && now.getTime() < current.createdAt.getTime() + graceMs;
    return previousValid ? [current.secret, previous.secret] : [current.secret];
  }

  /** Adds `secret` as the newest version; a version taken by a concurrent rotation moves it one further. */
  async rotate(tenantId: string, secret: string): Promise<number> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const [newest] = await this.latest(tenantId, 1);
      const version = (newest?.version ?? 0) + 1;
      try {
        await this.model.create({ _id: `${tenantId}:${version}`, tenantId, version, secret });
        return version;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    throw new Error(`Webhook secret of tenant ${tenantId} kept changing during rotation`);
  }

  private latest(tenantId: string, count: number) {
    return this.model.find({ tenantId }).sort({ version: -1 }).limit(count).lean();
  }
}
