/** Per-connection limits of a live speaker session. */
export interface LiveLimits {
  /** One audio frame (100 ms of 16 kHz PCM16 is 3,200 bytes). */
  maxFrameBytes: number;
  maxFramesPerSecond: number;
  maxSessionMs: number;
  /** No audio for this long ends the session (KeepAlive keeps Deepgram open meanwhile). */
  idleMs: number;
  /** Audio held while the upstream opens or reconnects (5 s). */
  pendingMaxBytes: number;
  /** Audio kept since the last final result, resent after an upstream reconnect (10 s). */
  replayMaxBytes: number;
  reconnectAttempts: number;
}

export const DEFAULT_LIVE_LIMITS: LiveLimits = {
  maxFrameBytes: 64 * 1024,
  maxFramesPerSecond: 50,
  maxSessionMs: 2 * 60 * 60_000,
  idleMs: 30_000,
  pendingMaxBytes: 5 * 32_000,
  replayMaxBytes: 10 * 32_000,
  reconnectAttempts: 3,
};

/** 16 kHz mono PCM16. */
export const BYTES_PER_SECOND = 32_000;
