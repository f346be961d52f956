import { Context } from '@temporalio/activity';
import { JOB_ERROR_CODES } from '../libs/contracts/job';
import { jobLinks } from '../libs/jobs/job-links';
import { jobSummary } from '../libs/jobs/job-summary';
import { OutboundRefusedError } from '../libs/net/outbound-policy';
import { webhookRetryDelayMs } from '../libs/contracts/webhook-retry';
import { newWebhookSecret, signatureHeaders } from '../libs/webhooks/webhook-signature';
import type { DeliverWebhookInput, WebhookDelivered } from '../libs/contracts/activities';
import type { ActivityDeps } from './activity-deps';
import { permanent, transient } from './failures';

/**
 * One Standard Webhooks delivery attempt. The body is frozen on the first attempt; each attempt is
 * recorded; 2xx within 15 s is delivered, 410 stops for good, anything else retries with backoff and jitter.
 */
export function createWebhookActivities(
  deps: Pick<ActivityDeps, 'http' | 'jobs' | 'webhooks' | 'secrets' | 'config' | 'metrics'>,
) {
  const { http, jobs, webhooks, secrets, config, metrics } = deps;
  return {
    async deliverWebhook(input: DeliverWebhookInput): Promise<WebhookDelivered> {
      const attempt = Context.current().info.attempt + (input.attemptsBefore ?? 0);
      const event = await webhooks.freezeEvent(input.eventId, async () => {
        const job = await jobs.findById(input.jobId);
        if (!job) throw permanent(JOB_ERROR_CODES.internal, `job ${input.jobId} not found`);
        const body = JSON.stringify({
          type: input.type,
          timestamp: new Date().toISOString(),
          data: { job: jobSummary(job, jobLinks(config, job._id)) },
        });
        return { tenantId: input.tenantId, jobId: input.jobId, type: input.type, url: input.url, body };
      });
      let signing = await secrets.signingSecrets(input.tenantId);
      if (signing.length === 0) {
        await secrets.rotate(input.tenantId, newWebhookSecret());
        signing = await secrets.signingSecrets(input.tenantId);
      }

      const started = Date.now();
      const record = (outcome: { statusCode?: number; error?: string; delivered: boolean }) =>
        webhooks.recordAttempt({
          eventId: event._id,
          tenantId: input.tenantId,
          jobId: input.jobId,
          type: input.type,
          attempt,
          latencyMs: Date.now() - started,
          at: new Date(started),
          ...outcome,
        });

      let statusCode: number;
      try {
        const response = await http.request({
          url: event.url,
          method: 'POST',
          headers: { 'content-type': 'application/json', ...signatureHeaders(event._id, event.body, signing) },
          body: event.body,
          timeoutMs: 15_000,
          signal: AbortSignal.any([Context.current().cancellationSignal, AbortSignal.timeout(15_000)]),
        });
        response.body.resume();
        statusCode = response.status;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        metrics.webhookAttempts.inc({ outcome: 'unreachable' });
        await record({ error: message, delivered: false });
        if (error instanceof OutboundRefusedError) throw permanent('webhook_refused', message);
        throw transient('webhook_unreachable', message, webhookRetryDelayMs(attempt));
      }

      const delivered = statusCode >= 200 && statusCode < 300;
      metrics.webhookAttempts.inc({ outcome: delivered ? 'delivered' : 'rejected' });
      await record({ statusCode, delivered });
      if (delivered) return { attempt, statusCode };
      if (statusCode === 410) throw permanent('webhook_gone', 'the receiver answered 410 Gone: no more attempts');
      throw transient('webhook_rejected', `the receiver answered ${statusCode}`, webhookRetryDelayMs(attempt));
    },
  };
}
