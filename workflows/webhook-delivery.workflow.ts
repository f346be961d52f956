import { ApplicationFailure, log, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities, DeliverWebhookInput } from '../libs/contracts/activities';
import { webhookRetryDelayMs } from '../libs/contracts/webhook-retry';
import { WEBHOOK_DELIVERY } from './activity-profiles';
import { rootCause, toJobError } from './job-failure';

const { deliverWebhook } = proxyActivities<Pick<Activities, 'deliverWebhook'>>(WEBHOOK_DELIVERY);

export interface WebhookDeliveryResult {
  delivered: boolean;
  attempts?: number;
  statusCode?: number;
  reason?: string;
}

/**
 * Delivers one event, retrying for more than a day. A child of the job workflow that outlives it
 * (parent close policy ABANDON): the job is finished when its status is, not when its receiver answers.
 * When the job workflow already made the first attempt, this waits the backoff that attempt earned.
 */
export async function webhookDelivery(input: DeliverWebhookInput): Promise<WebhookDeliveryResult> {
  if (input.attemptsBefore) await sleep(webhookRetryDelayMs(input.attemptsBefore));
  try {
    const { attempt, statusCode } = await deliverWebhook(input);
    return { delivered: true, attempts: attempt, statusCode };
  } catch (error) {
    const reason = deliveryEndedFor(error);
    if (reason !== undefined) {
      log.warn('webhook not delivered', { eventId: input.eventId, reason });
      return { delivered: false, reason };
    }
    log.error('webhook delivery gave up', { eventId: input.eventId, reason: toJobError(error).message });
    throw error;
  }
}

/**
 * Why a failed attempt ends delivery for good (410 Gone, a refused URL: an outcome, not a workflow failure),
 * or undefined when it is worth retrying.
 */
export function deliveryEndedFor(error: unknown): string | undefined {
  // An activity's failure arrives wrapped in an ActivityFailure; a local activity's may arrive bare.
  const failure = rootCause(error);
  return failure instanceof ApplicationFailure && failure.nonRetryable ? failure.message : undefined;
}
