import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, TimeoutFailure } from '@temporalio/workflow';
import { JOB_ERROR_CODES, PROVIDER_ERROR_CODES, type JobError, type JobErrorCode } from '../libs/contracts/job';

const KNOWN_CODES = new Set<string>(Object.values(JOB_ERROR_CODES));

/** The innermost cause: an ActivityFailure wraps the ApplicationFailure the activity threw. */
export function rootCause(error: unknown): unknown {
  let current = error;
  while ((current instanceof ActivityFailure || current instanceof ChildWorkflowFailure) && current.cause)
    current = current.cause;
  return current;
}

/** The job error a failure stands for: its code if the activity classified it, internal_error otherwise. */
export function toJobError(error: unknown): JobError {
  const cause = rootCause(error);
  if (cause instanceof ApplicationFailure && cause.type && KNOWN_CODES.has(cause.type)) {
    return { code: cause.type as JobErrorCode, message: cause.message };
  }
  if (cause instanceof TimeoutFailure) {
    return { code: JOB_ERROR_CODES.providerUnavailable, message: `timed out (${cause.timeoutType ?? 'unknown'})` };
  }
  return { code: JOB_ERROR_CODES.internal, message: cause instanceof Error ? cause.message : String(cause) };
}

/** True when another provider might succeed where this one failed (auth, quota, outage, language). */
export function isProviderFailure(error: unknown): boolean {
  const cause = rootCause(error);
  if (cause instanceof TimeoutFailure) return true;
  return cause instanceof ApplicationFailure && PROVIDER_ERROR_CODES.includes(cause.type ?? '');
}
