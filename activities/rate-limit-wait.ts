import { Context, sleep } from '@temporalio/activity';
import { JOB_ERROR_CODES } from '../libs/contracts/job';
import { ProviderError } from '../libs/providers/provider-error';

/** How long one activity attempt may spend waiting out 429s before handing the wait to Temporal. */
const WAIT_BUDGET_MS = 10 * 60_000;
/** Retry-After beyond this is left to Temporal's next-retry delay rather than held in a worker slot. */
const MAX_SINGLE_WAIT_MS = 60_000;

/**
 * Calls a provider, waiting out 429 Too Many Requests in place (as long as its Retry-After says, within a
 * budget) instead of failing the attempt. A rate-limit storm then costs time, not retry attempts, and
 * attempts stay reserved for real failures. Waiting heartbeats and stops at once on cancellation.
 */
export async function waitingOutRateLimits<T>(call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + WAIT_BUDGET_MS;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const limited = error instanceof ProviderError && error.code === JOB_ERROR_CODES.providerRateLimited;
      const waitMs = limited ? Math.max(250, error.retryAfterMs ?? 1_000) : 0;
      if (!limited || waitMs > MAX_SINGLE_WAIT_MS || Date.now() + waitMs > deadline) throw error;
      Context.current().heartbeat({ rateLimitedFor: waitMs });
      await sleep(waitMs);
    }
  }
}
