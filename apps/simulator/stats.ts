import { SCOPES, type Scope } from './faults';

export interface ScopeStats {
  requests: number;
  ok: number;
  /** Failed answers by HTTP status. */
  errors: Record<string, number>;
  inFlight: number;
  maxInFlight: number;
  audioSeconds: number;
}

export interface LiveSessionStats {
  id: string;
  openedAt: number;
  closedAt?: number;
  closeCode?: number;
  /** Who ended it: the client (close frame or CloseStream), the server (idle timeout, drop fault). */
  closedBy?: 'client' | 'server';
  closeStreamAt?: number;
  audioBytes: number;
  results: number;
}

/** Counters behind GET /__sim/stats. Fingerprints let tests prove a chunk was not sent twice. */
export class SimulatorStats {
  scopes = SimulatorStats.emptyScopes();
  /** How many times each distinct audio payload (sha256) was transcribed successfully. */
  fingerprints: Record<string, number> = {};
  /** When each payload's successful answers were sent (ms), to tell a retry before storing from a duplicate after. */
  answeredAt: Record<string, number[]> = {};
  live: LiveSessionStats[] = [];

  static emptyScopes(): Record<Scope, ScopeStats> {
    const scopes = {} as Record<Scope, ScopeStats>;
    for (const scope of SCOPES)
      scopes[scope] = { requests: 0, ok: 0, errors: {}, inFlight: 0, maxInFlight: 0, audioSeconds: 0 };
    return scopes;
  }

  begin(scope: Scope): () => void {
    const stats = this.scopes[scope];
    stats.requests++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    let ended = false;
    return () => {
      if (!ended) stats.inFlight--;
      ended = true;
    };
  }

  succeeded(scope: Scope, audioSeconds = 0, fingerprint?: string): void {
    this.scopes[scope].ok++;
    this.scopes[scope].audioSeconds += audioSeconds;
    if (fingerprint) {
      this.fingerprints[fingerprint] = (this.fingerprints[fingerprint] ?? 0) + 1;
      (this.answeredAt[fingerprint] ??= []).push(Date.now());
    }
  }

  failed(scope: Scope, status: number): void {
    const errors = this.scopes[scope].errors;
    errors[status] = (errors[status] ?? 0) + 1;
  }

  openLive(id: string): LiveSessionStats {
    const session: LiveSessionStats = { id, openedAt: Date.now(), audioBytes: 0, results: 0 };
    this.live.push(session);
    if (this.live.length > 500) this.live.shift();
    return session;
  }

  reset(): void {
    this.scopes = SimulatorStats.emptyScopes();
    this.fingerprints = {};
    this.answeredAt = {};
    this.live = [];
  }

  snapshot() {
    return {
      scopes: this.scopes,
      fingerprints: this.fingerprints,
      live: this.live,
      liveOpen: this.live.filter((s) => s.closedAt === undefined).length,
    };
  }
}
