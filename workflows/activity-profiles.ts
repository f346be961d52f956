import { ActivityCancellationType, type ActivityOptions, type LocalActivityOptions } from '@temporalio/workflow';

/**
 * The few activity option profiles every workflow picks from. Attempts are always bounded:
 * Temporal's default is unlimited retries, which would hide a permanent failure forever.
 */

/**
 * Quick database, storage or bookkeeping calls. A short timeout matters: if the worker dies mid-call,
 * the server retries only after it, and the job's final record waits behind it. Ten attempts ride out
 * a MongoDB restart of a few minutes.
 */
export const SHORT_IO: ActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
};

/**
 * The same quick writes as local activities: run by the worker holding the workflow task, recorded as one
 * marker, no task-queue round trip. For the job record, written about ten times per job, this halves the
 * Temporal work of a short job. A longer outage turns the retries into durable timers after 10 s.
 */
export const SHORT_IO_LOCAL: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  localRetryThreshold: '10 seconds',
  retry: SHORT_IO.retry,
};

/** Reading and writing whole transcripts (merge, store): may take a while, so it heartbeats instead. */
export const TRANSCRIPT_WORK: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
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
 * One call to a transcription or translation provider while another provider can take over: a few quick
 * attempts (1 s, 2 s, 4 s), then the workflow falls back. A 429 waits for the provider's Retry-After
 * (the activity sets the next retry delay). Heartbeats every 5 s let a dead worker show within 20 s.
 */
export const PROVIDER_CALL: ActivityOptions = {
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '20 seconds',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 4 },
};

/** The same call to the last provider left: it is worth riding out a longer outage (~4 min of backoff). */
export const PROVIDER_CALL_LAST_RESORT: ActivityOptions = {
  ...PROVIDER_CALL,
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
};

/**
 * One webhook delivery attempt: 15 s request timeout. The activity sets each next delay (exponential with
 * jitter, capped at 1 h); 45 attempts span more than a day even at the shortest jitter.
 */
export const WEBHOOK_DELIVERY: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '30 hours',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 hour', maximumAttempts: 45 },
};

/**
 * A job's first webhook attempt, made by the job workflow as a local activity: most receivers answer at once,
 * and such a job then needs no delivery workflow of its own (one workflow execution less per job). One
 * attempt only; retries go to the webhookDelivery child with WEBHOOK_DELIVERY. The request's own timeout is
 * 15 s.
 */
export const WEBHOOK_FIRST_ATTEMPT: LocalActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
};

/** Retention and reconciliation: batches of idempotent deletes, heartbeating per batch. */
export const MAINTENANCE: ActivityOptions = {
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 5 },
};
