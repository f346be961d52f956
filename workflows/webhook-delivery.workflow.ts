import { ApplicationFailure, log, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities, DeliverWebhookInput, WebhookDelivered } from '../libs/contracts/activities';
import { webhookRetryDelayMs } from '../libs/contracts/webhook-retry';
import { SHORT_IO, WEBHOOK_DELIVERY } from './activity-profiles';
import { rootCause, toJobError } from './job-failure';

const { deliverWebhook } = proxyActivities<Pick<Activities, 'deliverWebhook'>>(WEBHOOK_DELIVERY);
const cleanup = proxyActivities<Pick<Activities, 'removeDeliveredContent'>>(SHORT_IO);

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
  let delivered: WebhookDelivered;
  try {
    delivered = await deliverWebhook(input);
  } catch (error) {
    const reason = deliveryEndedFor(error);
    if (reason !== undefined) {
      log.warn('webhook not delivered', { eventId: input.eventId, reason });
      return { delivered: false, reason };
    }
    log.error('webhook delivery gave up', { eventId: input.eventId, reason: toJobError(error).message });
    throw error;
  }
  await removeContentIfDelivered(input);
  return { delivered: true, attempts: delivered.attempt, statusCode: delivered.statusCode };
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

/** Called once the event is delivered: removes a `retention: none` job's media and transcripts. */
export async function removeContentIfDelivered(event: DeliverWebhookInput): Promise<void> {
  if (event.removeContentWhenDelivered) await cleanup.removeDeliveredContent({ jobId: event.jobId });
}
