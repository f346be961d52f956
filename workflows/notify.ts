import { log, ParentClosePolicy, proxyLocalActivities, startChild, workflowInfo } from '@temporalio/workflow';
import type { Activities, DeliverWebhookInput, WebhookEventType } from '../libs/contracts/activities';
import type { TranscriptionJobInput } from '../libs/contracts/job';
import { webhookDeliveryWorkflowId, type JobOutcome } from '../libs/contracts/temporal';
import { WEBHOOK_FIRST_ATTEMPT } from './activity-profiles';
import { deliveryEndedFor, removeContentIfDelivered, webhookDelivery } from './webhook-delivery.workflow';

const firstAttempt = proxyLocalActivities<Pick<Activities, 'deliverWebhook'>>(WEBHOOK_FIRST_ATTEMPT);

/**
 * Tells the job's webhook how it ended. The job makes the first attempt itself (most receivers answer at
 * once); a failed one goes to a `webhookDelivery` child that outlives the job and retries for more than a day
 * with the same event id and body. A `retention: none` job's media and transcripts are removed by whichever
 * delivers it.
 */
export async function notifyJobEnded(
  input: Pick<TranscriptionJobInput, 'jobId' | 'tenantId' | 'webhookUrl' | 'retention'>,
  type: WebhookEventType,
): Promise<void> {
  const { jobId, webhookUrl } = input;
  if (!webhookUrl) return;
  const outcome = type.split('.')[1] as JobOutcome;
  const event: DeliverWebhookInput = {
    eventId: `evt_${jobId}_${outcome}`,
    jobId,
    tenantId: input.tenantId,
    type,
    url: webhookUrl,
    ...(input.retention === 'none' ? { removeContentWhenDelivered: true } : {}),
  };
  try {
    await firstAttempt.deliverWebhook(event);
  } catch (error) {
    const reason = deliveryEndedFor(error);
    if (reason !== undefined) return log.warn('webhook not delivered', { eventId: event.eventId, reason });
    await startChild(webhookDelivery, {
      workflowId: webhookDeliveryWorkflowId(jobId, outcome),
      taskQueue: workflowInfo().taskQueue,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [{ ...event, attemptsBefore: 1 }],
    });
    return;
  }
  await removeContentIfDelivered(event);
}
