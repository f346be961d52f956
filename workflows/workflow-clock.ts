/**
 * Inside the workflow sandbox `Date` is the deterministic workflow-task time (the SDK replaces it, so
 * replays see the same values). These helpers are the only place workflows read it.
 */
export function nowMs(): number {
  return Date.now();
}

export function nowIso(): string {
  return new Date(nowMs()).toISOString();
}
