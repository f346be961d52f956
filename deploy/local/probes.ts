import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from 'node:net';

export class ReadinessTimeoutError extends Error {}

/** Resolves true when something accepts TCP connections on host:port. */
export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolvePromise(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Polls `check` until it resolves true. `abortIf` lets a caller stop early with a reason,
 * for example when the process it waits for has already exited.
 */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; abortIf?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    const reason = options.abortIf?.();
    if (reason) throw new Error(`${what}: ${reason}`);
    if (Date.now() > deadline) {
      throw new ReadinessTimeoutError(`${what} was not ready after ${Math.round(options.timeoutMs / 1000)} s`);
    }
    await sleep(options.intervalMs ?? 250);
  }
}
