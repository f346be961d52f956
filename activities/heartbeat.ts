import { Context } from '@temporalio/activity';

/**
 * Heartbeats every `intervalMs` while a long call runs, so the server notices a dead worker within the
 * heartbeat timeout and a cancellation reaches the activity. Returns the function that stops it.
 */
export function keepHeartbeating(details: () => unknown = () => undefined, intervalMs = 5_000): () => void {
  const context = Context.current();
  context.heartbeat(details());
  const timer = setInterval(() => context.heartbeat(details()), intervalMs);
  return () => clearInterval(timer);
}

/** A throttled heartbeat for progress callbacks that fire far more often than needed. */
export function throttledHeartbeat(intervalMs = 2_000): (details: unknown) => void {
  const context = Context.current();
  let last = 0;
  return (details) => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    context.heartbeat(details);
  };
}
