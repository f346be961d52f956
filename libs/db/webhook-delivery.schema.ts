import { Schema } from 'mongoose';
import { requiredString, requiredNumber, writtenOnce } from './schema-parts';

/**
 * A webhook event, frozen when first sent: every retry posts the same body under the same `webhook-id`.
 * `_id` is that id. Insert-only.
 */
export interface WebhookEventDocument {
  _id: string;
  tenantId: string;
  jobId: string;
  type: string;
  url: string;
  body: string;
  createdAt: Date;
}

/** One delivery attempt (`_id` = `${eventId}:${attempt}`), visible on the job. Insert-only. */
export interface WebhookAttemptDocument {
  _id: string;
  eventId: string;
  tenantId: string;
  jobId: string;
  type: string;
  attempt: number;
  statusCode?: number;
  latencyMs: number;
  error?: string;
  delivered: boolean;
  at: Date;
}

export const WEBHOOK_EVENT_MODEL = 'WebhookEvent';
export const WEBHOOK_ATTEMPT_MODEL = 'WebhookAttempt';

export const WebhookEventSchema = new Schema<WebhookEventDocument>(
  {
    _id: requiredString,
    tenantId: requiredString,
    jobId: requiredString,
    type: requiredString,
    url: requiredString,
    body: requiredString,
  },
  writtenOnce('webhook_events'),
);
WebhookEventSchema.index({ jobId: 1 });
WebhookEventSchema.index({ createdAt: 1 });

export const WebhookAttemptSchema = new Schema<WebhookAttemptDocument>(
  {
    _id: requiredString,
    eventId: requiredString,
    tenantId: requiredString,
    jobId: requiredString,
    type: requiredString,
    attempt: requiredNumber,
    statusCode: Number,
    latencyMs: Number,
    error: String,
    delivered: { type: Boolean, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'webhook_attempts', versionKey: false },
);
WebhookAttemptSchema.index({ jobId: 1, at: 1 });
WebhookAttemptSchema.index({ at: 1 });
