import { SecondWindow } from './second-window';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@nestjs/common';
import type { LiveSessionsService } from '../../../libs/live/live-sessions.service';
import type { ApiMetrics } from '../../../libs/metrics/api-metrics';
import type { DeepgramLiveUpstream, LiveResults } from '../../../libs/providers/deepgram-live.upstream';
import type { CaptionLineWriter } from './caption-line-writer';
import { now, type CaptionBus, type SpeakerServerEvents, type TranscriptionEvent } from './caption-events';
import { BYTES_PER_SECOND, type LiveLimits } from './live-limits';
import type { LiveIdentity } from './live-authenticator';

/** The speaker's socket, as the session needs it. */
export interface SpeakerSocket {
  emit<E extends keyof SpeakerServerEvents>(event: E, ...args: Parameters<SpeakerServerEvents[E]>): unknown;
  disconnect(close?: boolean): unknown;
}

export interface SessionDeps {
  /** The API instance holding the session (LiveHost). */
  hostId: string;
  bus: CaptionBus;
  sessions: Pick<LiveSessionsService, 'start' | 'end'>;
  lines: CaptionLineWriter;
  openUpstream: (language: string) => DeepgramLiveUpstream;
  limits: LiveLimits;
  metrics: ApiMetrics;
  logger: Logger;
}

interface ReplayEntry {
  /** Seconds of session audio before this frame. */
  startS: number;
  pcm: Buffer;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const frameOf = (payload: unknown): unknown =>
  payload && typeof payload === 'object' && 'audio_chunk' in payload ? payload.audio_chunk : payload;

/** How many PCM bytes an `audio_chunk` would decode to, known without decoding it; undefined if it is not audio. */
export function audioByteLength(payload: unknown): number | undefined {
  const value = frameOf(payload);
  if (typeof value === 'string') return Math.floor((value.length * 3) / 4);
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value.byteLength;
  return undefined;
}

/** The PCM bytes of an `audio_chunk`: base64 text (the meeting client) or binary. Undefined if malformed. */
export function audioBytes(payload: unknown): Buffer | undefined {
  const value = frameOf(payload);
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === 'string' && value.length % 4 === 0 && BASE64.test(value)) return Buffer.from(value, 'base64');
  return undefined;
}

/**
 * One speaker: audio in, captions out. Relays PCM to a Deepgram live upstream (buffering while it opens),
 * sends transcription events back to the speaker and caption events to the session's viewers, persists
 * final lines, and survives an upstream drop by reconnecting and replaying the audio since the last final.
 */
export class SpeakerSession {
  private upstream?: DeepgramLiveUpstream;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private replay: ReplayEntry[] = [];
  private replayBytes = 0;
  /** Seconds of audio received in this session. */
  private audioS = 0;
  /** Where the current upstream's clock starts within the session. */
  private upstreamOffsetS = 0;
  private seq = 0;
  private state: 'starting' | 'live' | 'reconnecting' | 'ending' | 'ended' = 'starting';
  /** This second's frames: arrived, refused, and each kind of refusal. */
  private readonly frames = new SecondWindow();
  private idleTimer?: NodeJS.Timeout;
  private lengthTimer?: NodeJS.Timeout;
  private bufferWarned = false;

  constructor(
    readonly id: string,
    readonly identity: LiveIdentity,
    readonly language: string,
    private readonly speaker: SpeakerSocket,
    private readonly deps: SessionDeps,
  ) {}

  /** Seconds of audio relayed so far (millisecond precision, as stored). */
  get audioSeconds(): number {
    return round(this.audioS);
  }

  async start(): Promise<void> {
    await this.deps.sessions.start({
      _id: this.id,
      tenantId: this.identity.tenantId,
      userId: this.identity.userId,
      authType: this.identity.authType,
      language: this.language,
      hostId: this.deps.hostId,
    });
    this.speaker.emit('connected', {
      message: 'Connected: send audio_chunk events (PCM16LE, 16 kHz, mono).',
      session_id: this.id,
      user_id: this.identity.userId,
      auth_type: this.identity.authType,
      language: this.language,
      timestamp: now(),
    });
    this.deps.metrics.liveSessions.inc({ role: 'speaker' });
    this.armIdleTimer();
    this.lengthTimer = setTimeout(
      () => void this.end('session_limit', 'The session reached its maximum length.'),
      this.deps.limits.maxSessionMs,
    );
    if (!(await this.connectUpstream())) {
      await this.end('upstream_unavailable', 'The speech provider could not be reached.');
      return;
    }
    this.state = 'live';
    this.flushPending();
  }

  /**
   * A frame from the speaker. Every frame counts toward the rate limit, refused ones too, and an oversize one is
   * refused by its length before it is decoded; a second with as many refused frames as the rate allows ends
   * the session (`frames_refused`), so a client cannot keep the server busy refusing.
   */
  onAudio(payload: unknown): void {
    if (this.state === 'ending' || this.state === 'ended') return;
    const { maxFrameBytes, maxFramesPerSecond } = this.deps.limits;
    if (this.frames.count('arrived') > maxFramesPerSecond)
      return this.refuse(
        'rate_limited',
        `At most ${maxFramesPerSecond} audio frames a second; extra frames were dropped.`,
      );
    const length = audioByteLength(payload);
    if (length !== undefined && length > maxFrameBytes)
      return this.refuse('frame_too_large', `Frames are limited to ${maxFrameBytes} bytes; this one was dropped.`);
    const pcm = length === undefined ? undefined : audioBytes(payload);
    if (!pcm)
      return this.refuse('bad_audio', 'audio_chunk must be base64 PCM16LE (or binary); this frame was dropped.');
    this.armIdleTimer();
    this.remember(pcm);
    this.audioS += pcm.length / BYTES_PER_SECOND;
    if (this.state === 'live' && this.upstream?.isOpen) this.upstream.sendAudio(pcm);
    else this.hold(pcm);
  }

  /** `stop` from the speaker: flush (CloseStream), deliver the last captions, end. */
  async stop(): Promise<void> {
    await this.end('stopped');
  }

  /** This API instance is shutting down (deploy, scale-in): end cleanly and tell everyone why. */
  async serverShutdown(): Promise<void> {
    await this.end('server_shutdown', 'The server is restarting; reconnect to start a new session.');
  }

  /** The speaker's connection is gone: close upstream at once (within 1 s) and end. */
  async disconnected(): Promise<void> {
    await this.end('speaker_disconnected');
  }

  private async connectUpstream(): Promise<boolean> {
    for (let attempt = 0; attempt <= this.deps.limits.reconnectAttempts; attempt++) {
      if (attempt > 0) await sleep(250 * 2 ** (attempt - 1));
      if (this.state === 'ending' || this.state === 'ended') return false;
      const upstream = this.deps.openUpstream(this.language);
      upstream.on('results', (results) => this.onResults(results));
      upstream.on('closed', ({ code, expected }) => {
        if (!expected) {
          this.deps.metrics.liveUpstreamErrors.inc({ code: String(code) });
          void this.onUpstreamDrop(code);
        }
      });
      try {
        await upstream.open();
        this.upstream = upstream;
        return true;
      } catch (error) {
        upstream.close();
        this.deps.metrics.liveUpstreamErrors.inc({ code: 'connect_failed' });
        this.deps.logger.warn({ session: this.id, attempt, err: error }, 'live upstream did not open');
      }
    }
    return false;
  }

  /** A dropped upstream: reconnect, replay what was not finalized yet, carry on; or end with an error. */
  private async onUpstreamDrop(code: number): Promise<void> {
    if (this.state !== 'live') return;
    this.state = 'reconnecting';
    this.deps.logger.warn({ session: this.id, code }, 'live upstream dropped; reconnecting');
    this.upstream = undefined;
    if (!(await this.connectUpstream())) {
      await this.end(
        'upstream_unavailable',
        `The speech provider dropped the stream (code ${code}) and could not be reached again.`,
      );
      return;
    }
    // The new upstream's clock starts at the oldest audio it will hear again.
    this.upstreamOffsetS = this.replay[0]?.startS ?? this.audioS;
    const replayed = new Set(this.replay.map((entry) => entry.pcm));
    for (const entry of this.replay) this.upstream!.sendAudio(entry.pcm);
    this.pending = this.pending.filter((pcm) => !replayed.has(pcm));
    this.pendingBytes = this.pending.reduce((sum, pcm) => sum + pcm.length, 0);
    this.state = 'live';
    this.flushPending();
  }

  private onResults(results: LiveResults): void {
    const started = process.hrtime.bigint();
    const best = results.channel.alternatives[0];
    const transcript = best?.transcript.trim() ?? '';
    if (results.is_final) this.forgetUntil(this.upstreamOffsetS + results.start + results.duration);
    if (!transcript) return;
    const offset = this.upstreamOffsetS;
    const event: TranscriptionEvent = {
      transcript,
      is_final: results.is_final,
      speech_final: results.speech_final,
      confidence: best?.confidence ?? 0,
      start: round(offset + results.start),
      duration: round(results.duration),
      words: (best?.words ?? []).map((w) => ({
        word: w.punctuated_word ?? w.word,
        start: round(offset + w.start),
        end: round(offset + w.end),
        confidence: w.confidence,
      })),
      timestamp: now(),
    };
    this.speaker.emit('transcription', event);
    this.deps.bus.caption(this.id, { ...event, session_id: this.id });
    this.deps.metrics.liveRelaySeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    if (results.is_final) {
      this.deps.lines.add({
        sessionId: this.id,
        seq: this.seq++,
        start: event.start,
        end: round(event.start + event.duration),
        text: transcript,
        confidence: event.confidence,
      });
    }
  }

  private async end(reason: string, errorMessage?: string): Promise<void> {
    if (this.state === 'ending' || this.state === 'ended') return;
    const wasStarted = this.state !== 'starting' || this.upstream !== undefined;
    this.state = 'ending';
    clearTimeout(this.idleTimer);
    clearTimeout(this.lengthTimer);
    if (errorMessage) this.speaker.emit('error', { code: reason, message: errorMessage, timestamp: now() });
    await this.upstream?.finish(800);
    this.state = 'ended';
    // Stored before the session reads as ended, so its transcript is complete from then on.
    await this.deps.lines.flush();
    await this.deps.sessions.end(this.id, reason, this.audioSeconds).catch(() => undefined);
    this.deps.bus.ended(this.id, reason);
    this.speaker.emit('session_ended', { session_id: this.id, reason, timestamp: now() });
    this.speaker.disconnect(true);
    if (wasStarted) this.deps.metrics.liveSessions.dec({ role: 'speaker' });
  }

  private hold(pcm: Buffer): void {
    if (this.pendingBytes + pcm.length > this.deps.limits.pendingMaxBytes) {
      if (!this.bufferWarned)
        this.warn('buffer_full', 'Audio is arriving faster than the speech provider accepts it; some was dropped.');
      this.bufferWarned = true;
      return;
    }
    this.pending.push(pcm);
    this.pendingBytes += pcm.length;
  }

  private flushPending(): void {
    for (const pcm of this.pending) this.upstream?.sendAudio(pcm);
    this.pending = [];
    this.pendingBytes = 0;
  }

  private remember(pcm: Buffer): void {
    this.replay.push({ startS: this.audioS, pcm });
    this.replayBytes += pcm.length;
    while (this.replayBytes > this.deps.limits.replayMaxBytes && this.replay.length > 1)
      this.replayBytes -= this.replay.shift()!.pcm.length;
  }

  /** Audio before `sessionS` is in a final result: it never needs replaying. */
  private forgetUntil(sessionS: number): void {
    while (
      this.replay.length > 0 &&
      this.replay[0]!.startS + this.replay[0]!.pcm.length / BYTES_PER_SECOND <= sessionS + 1e-6
    ) {
      this.replayBytes -= this.replay.shift()!.pcm.length;
    }
  }

  /** Drops a frame: the speaker hears each kind of refusal once a second, and too many end the session. */
  private refuse(code: string, message: string): void {
    const refused = this.frames.count('refused');
    if (refused >= this.deps.limits.maxFramesPerSecond) {
      void this.end('frames_refused', `${refused} frames were refused within a second; the session ended.`);
      return;
    }
    if (this.frames.count(code) === 1) this.warn(code, message);
  }

  private armIdleTimer(): void {
    // Re-armed on every frame: refresh() reuses the timer instead of a new one ten times a second.
    if (this.idleTimer) {
      this.idleTimer.refresh();
      return;
    }
    this.idleTimer = setTimeout(
      () => void this.end('idle_timeout', `No audio for ${this.deps.limits.idleMs / 1000} s.`),
      this.deps.limits.idleMs,
    );
  }

  private warn(code: string, message: string): void {
    this.speaker.emit('error', { code, message, timestamp: now() });
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
