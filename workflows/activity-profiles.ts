import { ActivityCancellationType, type ActivityOptions } from '@temporalio/workflow';

/**
 * The few activity option profiles every workflow picks from. Attempts are always bounded:
 * Temporal's default is unlimited retries, which would hide a permanent failure forever.
 */

/** Quick database, storage or bookkeeping calls. */
export const SHORT_IO: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 8 },
};

/** Reading and writing whole transcripts (merge, store): bigger than a record update, no heartbeat needed. */
export const TRANSCRIPT_WORK: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
};

/**
 * Long local work (download, ffmpeg). Heartbeats prove the worker is alive: a killed worker's activity is
 * retried elsewhere within 30 s. The workflow waits for cancellation to finish so that cleanup never races
 * an ffmpeg still writing files.
 */
export const MEDIA_WORK: ActivityOptions = {
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '30 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
};

/**
 * One call to a transcription or translation provider. 5xx and timeouts back off from 2 s to 1 min; a 429
 * waits for the provider's Retry-After (the activity sets the next retry delay). After the attempts run
 * out, the workflow moves on to the next fallback provider.
 */
export const PROVIDER_CALL: ActivityOptions = {
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '1 minute',
  scheduleToCloseTimeout: '45 minutes',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6 },
};

/**
 * One webhook delivery attempt: 15 s request timeout. The activity sets each next delay (exponential with
 * jitter, capped at 1 h), and 40 attempts span more than a day, as Standard Webhooks senders do.
 */
export const WEBHOOK_DELIVERY: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '30 hours',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 hour', maximumAttempts: 40 },
};
