import type { Connection, Model } from 'mongoose';
import { modelOn } from './model-on';
import { isDuplicateKeyError } from './mongo-errors';
import {
  WEBHOOK_ATTEMPT_MODEL,
  WEBHOOK_EVENT_MODEL,
  WebhookAttemptSchema,
  WebhookEventSchema,
  type WebhookAttemptDocument,
  type WebhookEventDocument,
} from './webhook-delivery.schema';

/** Webhook events (frozen bodies) and every delivery attempt. */
export class WebhooksRepository {
  private readonly events: Model<WebhookEventDocument>;
  private readonly attempts: Model<WebhookAttemptDocument>;

  constructor(connection: Connection) {
    this.events = modelOn(connection, WEBHOOK_EVENT_MODEL, WebhookEventSchema);
    this.attempts = modelOn(connection, WEBHOOK_ATTEMPT_MODEL, WebhookAttemptSchema);
  }

  async init(): Promise<void> {
    await Promise.all([this.events.init(), this.attempts.init()]);
  }

  /**
   * The stored event with this id, built by `build()` the first time. Whichever attempt stores it first
   * fixes the body for every later retry: one webhook-id, one payload.
   */
  async freezeEvent(
    id: string,
    build: () => Promise<Omit<WebhookEventDocument, '_id' | 'createdAt'>>,
  ): Promise<WebhookEventDocument> {
    const existing = await this.events.findById(id).lean();
    if (existing) return existing;
    try {
      return (await this.events.create({ ...(await build()), _id: id })).toObject();
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return (await this.events.findById(id).lean())!;
    }
  }

  /**
   * Records an attempt of a stored event. An attempt that ends after its job was deleted (its event with it)
   * leaves no record behind.
   */
  async recordAttempt(attempt: Omit<WebhookAttemptDocument, '_id'>): Promise<void> {
    if (!(await this.events.exists({ _id: attempt.eventId }))) return;
    try {
      await this.attempts.create({ ...attempt, _id: `${attempt.eventId}:${attempt.attempt}` });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /** The job's webhook bodies and delivery records; returns how many of each were removed. */
  async removeForJob(jobId: string): Promise<{ events: number; attempts: number }> {
    const [events, attempts] = await Promise.all([
      this.events.deleteMany({ jobId }),
      this.attempts.deleteMany({ jobId }),
    ]);
    return { events: events.deletedCount, attempts: attempts.deletedCount };
  }

  /** Bodies of events created, and records of attempts made, before `cutoff`; returns how many were removed. */
  async removeOlderThan(cutoff: Date): Promise<number> {
    const [events, attempts] = await Promise.all([
      this.events.deleteMany({ createdAt: { $lt: cutoff } }),
      this.attempts.deleteMany({ at: { $lt: cutoff } }),
    ]);
    return events.deletedCount + attempts.deletedCount;
  }

  async attemptsForJob(jobId: string): Promise<WebhookAttemptDocument[]> {
    return this.attempts.find({ jobId }).sort({ at: 1 }).lean();
  }

  /** Delivery attempts made since `since` that did not deliver (of one tenant, or of all). */
  async failedAttemptsSince(since: Date, tenantId?: string): Promise<number> {
    return this.attempts.countDocuments({ ...(tenantId ? { tenantId } : {}), at: { $gte: since }, delivered: false });
  }
}
