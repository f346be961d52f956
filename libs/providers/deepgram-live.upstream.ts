import { DeepgramClient } from '@deepgram/sdk';
import { EventEmitter } from 'node:events';
import { deepgramEnvironment } from './deepgram-environment';

/** A Deepgram live `Results` message, as far as Voxflow reads it. */
export interface LiveResults {
  type: 'Results';
  start: number;
  duration: number;
  is_final: boolean;
  speech_final: boolean;
  channel: {
    alternatives: {
      transcript: string;
      confidence: number;
      words?: { word: string; start: number; end: number; confidence?: number; punctuated_word?: string }[];
    }[];
  };
}

export interface LiveUpstreamOptions {
  apiKey: string;
  baseUrl?: string;
  language: string;
  sampleRate?: number;
  /** KeepAlive is sent when no audio went up for this long (Deepgram closes after 10 s of silence). */
  keepAliveMs?: number;
  connectTimeoutMs?: number;
}

export interface LiveUpstreamEvents {
  results: [LiveResults];
  utteranceEnd: [{ last_word_end: number }];
  /** The upstream closed; `expected` is false when it dropped without our asking. */
  closed: [{ code: number; reason: string; expected: boolean }];
}

/**
 * One Deepgram live connection (`listen.v1`, linear16, interim results, endpointing, utterance end),
 * opened through the official SDK. SDK reconnects are off: the caption session decides what a drop means.
 */
export class DeepgramLiveUpstream extends EventEmitter<LiveUpstreamEvents> {
  private socket?: Awaited<ReturnType<DeepgramClient['listen']['v1']['connect']>>;
  private keepAlive?: NodeJS.Timeout;
  private lastAudioAt = Date.now();
  private closing = false;
  private closedPromise?: Promise<void>;

  constructor(private readonly options: LiveUpstreamOptions) {
    super();
  }

  async open(): Promise<void> {
    const client = new DeepgramClient({
      apiKey: this.options.apiKey,
      environment: deepgramEnvironment(this.options.baseUrl),
    });
    const socket = await client.listen.v1.connect({
      model: 'nova-3',
      language: this.options.language,
      encoding: 'linear16',
      sample_rate: this.options.sampleRate ?? 16_000,
      channels: 1,
      interim_results: 'true',
      punctuate: 'true',
      smart_format: 'true',
      endpointing: 300,
      utterance_end_ms: 1000,
      Authorization: `Token ${this.options.apiKey}`,
      reconnectAttempts: 0,
      connectionTimeoutInSeconds: Math.ceil((this.options.connectTimeoutMs ?? 10_000) / 1000),
    });
    this.socket = socket;
    this.closedPromise = new Promise((resolvePromise) => {
      socket.on('close', (event) => {
        clearInterval(this.keepAlive);
        this.emit('closed', { code: event.code, reason: event.reason ?? '', expected: this.closing });
        resolvePromise();
      });
    });
    socket.on('message', (message) => {
      const typed = message as { type?: string };
      if (typed.type === 'Results') this.emit('results', message as unknown as LiveResults);
      else if (typed.type === 'UtteranceEnd')
        this.emit('utteranceEnd', message as unknown as { last_word_end: number });
    });
    socket.on('error', () => undefined); // A failed socket also closes; 'closed' carries the outcome.
    socket.connect();
    await Promise.race([
      socket.waitForOpen(),
      this.closedPromise.then(() => Promise.reject(new Error('Deepgram refused the live connection'))),
    ]);
    const keepAliveMs = this.options.keepAliveMs ?? 4_000;
    this.keepAlive = setInterval(() => {
      if (Date.now() - this.lastAudioAt >= keepAliveMs) this.socket?.sendKeepAlive({ type: 'KeepAlive' });
    }, keepAliveMs);
  }

  get isOpen(): boolean {
    return this.socket?.readyState === 1;
  }

  sendAudio(pcm: Buffer): void {
    this.lastAudioAt = Date.now();
    this.socket?.sendMedia(pcm);
  }

  /**
   * CloseStream: Deepgram flushes the last results and closes. Resolves when closed, forcing the socket
   * shut after `graceMs` so the upstream never outlives its speaker by more than that.
   */
  async finish(graceMs = 800): Promise<void> {
    if (!this.socket) return;
    this.closing = true;
    clearInterval(this.keepAlive);
    if (this.isOpen) this.socket.sendCloseStream({ type: 'CloseStream' });
    const timer = setTimeout(() => this.socket?.close(), graceMs);
    await this.closedPromise;
    clearTimeout(timer);
  }

  /** Immediate close (errors, aborts). */
  close(): void {
    this.closing = true;
    clearInterval(this.keepAlive);
    this.socket?.close();
  }
}
