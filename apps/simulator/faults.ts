/** The simulator's surfaces, each with its own knobs. */
export const SCOPES = ['transcriptions', 'chat', 'listen', 'live'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ScopeFaults {
  /** Fixed latency per request, plus per second of audio received (a real STT API's shape). */
  latencyMs: number;
  latencyPerAudioSecondMs: number;
  /** Share of requests (0..1) that fail with `errorStatus`, drawn from a seeded generator. */
  errorRate: number;
  errorStatus: number;
  /** The next N requests fail with `failStatus` (a burst). */
  failNext: number;
  failStatus: number;
  /** The next N requests get 429 with Retry-After: `retryAfterS`. */
  rateLimitNext: number;
  retryAfterS: number;
  /** Requests per second allowed; beyond it 429 with Retry-After (0 = unlimited). */
  rateLimitPerSecond: number;
  /** Every request is refused with 401 (the key was revoked). */
  invalidKey: boolean;
  /** Extra delay before answering, e.g. longer than the client's timeout. */
  hangMs: number;
  /** chat: the next N replies carry the wrong number of lines. */
  misalignNext: number;
  /** live: drop the connection (no close frame) this long after it opens (0 = never). */
  dropAfterMs: number;
}

export const DEFAULT_FAULTS: ScopeFaults = {
  latencyMs: 0,
  latencyPerAudioSecondMs: 0,
  errorRate: 0,
  errorStatus: 503,
  failNext: 0,
  failStatus: 500,
  rateLimitNext: 0,
  retryAfterS: 1,
  rateLimitPerSecond: 0,
  invalidKey: false,
  hangMs: 0,
  misalignNext: 0,
  dropAfterMs: 0,
};

export type SimulatorConfig = Record<Scope, ScopeFaults> & { seed: number };

export type SimulatorConfigPatch = Partial<Record<Scope, Partial<ScopeFaults>>> & { seed?: number };

export interface FaultDecision {
  /** Set when the request must fail. */
  status?: number;
  retryAfterS?: number;
  /** How long to wait before answering (success or failure). */
  delayMs: number;
}

/** Mulberry32: a tiny seeded generator, so an error-rate run is reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private config: SimulatorConfig = FaultInjector.defaults();
  private random = seededRandom(this.config.seed);
  private readonly windows = new Map<Scope, number[]>();

  static defaults(): SimulatorConfig {
    const config = { seed: 42 } as SimulatorConfig;
    for (const scope of SCOPES) config[scope] = { ...DEFAULT_FAULTS };
    return config;
  }

  get current(): SimulatorConfig {
    return structuredClone(this.config);
  }

  update(patch: SimulatorConfigPatch): SimulatorConfig {
    for (const scope of SCOPES) {
      const changes = patch[scope];
      if (!changes) continue;
      for (const [key, value] of Object.entries(changes)) {
        if (!(key in DEFAULT_FAULTS)) throw new Error(`unknown knob ${scope}.${key}`);
        if (typeof value !== typeof DEFAULT_FAULTS[key as keyof ScopeFaults])
          throw new Error(`${scope}.${key} has the wrong type`);
      }
      this.config[scope] = { ...this.config[scope], ...changes };
    }
    if (patch.seed !== undefined) {
      this.config.seed = patch.seed;
      this.random = seededRandom(patch.seed);
    }
    return this.current;
  }

  reset(): void {
    this.config = FaultInjector.defaults();
    this.random = seededRandom(this.config.seed);
    this.windows.clear();
  }

  faultsOf(scope: Scope): ScopeFaults {
    return this.config[scope];
  }

  /** Decides the fate of one request; counters (failNext, rateLimitNext) are consumed here. */
  decide(scope: Scope, audioSeconds = 0): FaultDecision {
    const faults = this.config[scope];
    const delayMs = faults.latencyMs + faults.latencyPerAudioSecondMs * audioSeconds + faults.hangMs;
    if (faults.invalidKey) return { status: 401, delayMs: faults.latencyMs };
    if (faults.rateLimitNext > 0) {
      faults.rateLimitNext--;
      return { status: 429, retryAfterS: faults.retryAfterS, delayMs: faults.latencyMs };
    }
    if (faults.rateLimitPerSecond > 0 && !this.admit(scope, faults.rateLimitPerSecond)) {
      return { status: 429, retryAfterS: faults.retryAfterS, delayMs: faults.latencyMs };
    }
    if (faults.failNext > 0) {
      faults.failNext--;
      return { status: faults.failStatus, delayMs };
    }
    if (faults.errorRate > 0 && this.random() < faults.errorRate) return { status: faults.errorStatus, delayMs };
    return { delayMs };
  }

  /** Sliding one-second window per scope. */
  private admit(scope: Scope, perSecond: number): boolean {
    const now = Date.now();
    const window = (this.windows.get(scope) ?? []).filter((at) => now - at < 1000);
    const admitted = window.length < perSecond;
    if (admitted) window.push(now);
    this.windows.set(scope, window);
    return admitted;
  }
}
