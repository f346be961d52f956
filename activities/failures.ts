import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { JOB_ERROR_CODES, type JobErrorCode } from '../libs/contracts/job';
import { isStorageFull, MediaToolUnavailableError, UnsupportedMediaError } from '../libs/media/media-errors';
import { OutboundRefusedError } from '../libs/net/outbound-policy';
import { ProviderError } from '../libs/providers/provider-error';

/** Failure types: a job error code, or a webhook delivery outcome (webhook_gone, webhook_refused, …). */
type FailureType = JobErrorCode | `webhook_${string}`;

/**
 * A failure the workflow must not retry: bad input, refused URL, revoked key. `details` reach the workflow's
 * history (operators), never the job's error (clients).
 */
export function permanent(code: FailureType, message: string, details?: unknown[]): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable: true, details });
}

/** A failure worth retrying, optionally not before `delayMs` (a provider's Retry-After). */
export function transient(code: FailureType, message: string, delayMs?: number): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable: false, nextRetryDelay: delayMs });
}

/**
 * Classifies an error where it happened, so the workflow sees a typed failure (its `type` is the job's
 * error code). A cancelled activity rethrows the cancellation itself, so Temporal records it as such.
 */
export function classify(error: unknown): unknown {
  const { cancellationSignal } = Context.current();
  if (cancellationSignal.aborted) return cancellationSignal.reason ?? error;
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof ProviderError) {
    return error.retryable
      ? transient(error.code, error.message, error.retryAfterMs)
      : permanent(error.code, error.message);
  }
  // Before the media errors: a tool that failed writing to a full volume says nothing about the recording.
  if (isStorageFull(error)) {
    return transient(JOB_ERROR_CODES.storageFull, 'the storage volume is full; retried until space is freed');
  }
  if (error instanceof UnsupportedMediaError)
    return permanent(JOB_ERROR_CODES.unsupportedMedia, error.message, error.toolOutput ? [error.toolOutput] : []);
  if (error instanceof MediaToolUnavailableError) return transient(JOB_ERROR_CODES.mediaToolUnavailable, error.message);
  if (error instanceof OutboundRefusedError) return permanent(JOB_ERROR_CODES.sourceForbidden, error.message);
  return error;
}
