import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultDecision, Scope } from './faults';
import { bearerToken, delay } from './http-helpers';
import type { SimulatorStats } from './stats';

/** A request the provider refuses: the status, and the answer in the provider's own error format. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly answer: (res: ServerResponse) => void,
  ) {
    super(`refused with ${status}`);
  }
}

/** How a provider refuses a request without credentials, and answers an injected fault. */
export interface ProviderRefusals {
  unauthenticated: Refusal;
  fault(decision: FaultDecision): Refusal;
}

/**
 * Serves one endpoint as the provider would: counted in the stats while it runs, a request without a bearer
 * token refused, and a Refusal thrown by `handle` answered in the provider's format and counted as failed.
 */
export async function serveSimulated(
  scope: Scope,
  req: IncomingMessage,
  res: ServerResponse,
  stats: SimulatorStats,
  refusals: ProviderRefusals,
  handle: () => Promise<void>,
): Promise<void> {
  const end = stats.begin(scope);
  try {
    if (!bearerToken(req)) throw refusals.unauthenticated;
    await handle();
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    stats.failed(scope, error.status);
    error.answer(res);
  } finally {
    end();
  }
}

/**
 * Waits out the fault injector's delay, then refuses the request if it decided on a failure. False when the
 * client left meanwhile: nobody is there to answer.
 */
export async function applyFault(
  req: IncomingMessage,
  decision: FaultDecision,
  refusals: ProviderRefusals,
): Promise<boolean> {
  await delay(decision.delayMs, req);
  if (req.socket.destroyed) return false;
  if (decision.status) throw refusals.fault(decision);
  return true;
}
