import { ApplicationFailure, log, proxyActivities } from '@temporalio/workflow';
import type { Activities, DeliverWebhookInput } from '../activities';
import { WEBHOOK_DELIVERY } from './activity-profiles';
import { toJobError } from './job-failure';

const { deliverWebhook } = proxyActivities<Activities>(WEBHOOK_DELIVERY);

export interface WebhookDeliveryResult {
  delivered: boolean;
  attempts?: number;
  statusCode?: number;
  reason?: string;
}

/**
 * Delivers one event, retrying for more than a day. A child of the job workflow that outlives it
 * (parent close policy ABANDON): the job is finished when its status is, not when its receiver answers.
 */
export async function webhookDelivery(input: DeliverWebhookInput): Promise<WebhookDeliveryResult> {
  try {
    const { attempt, statusCode } = await deliverWebhook(input);
    return { delivered: true, attempts: attempt, statusCode };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    // 410 Gone or a refused URL ends delivery for good; that is an outcome, not a workflow failure.
    if (cause instanceof ApplicationFailure && cause.nonRetryable) {
      log.warn('webhook not delivered', { eventId: input.eventId, reason: cause.message });
      return { delivered: false, reason: cause.message };
    }
    log.error('webhook delivery gave up', { eventId: input.eventId, reason: toJobError(error).message });
    throw error;
  }
}
