/** A voiced stretch of audio that the simulator reports as one word. */
export interface VoicedSpan {
  start: number;
  end: number;
  /** Deterministic fingerprint of the span's energy contour: the same audio gives the same hash. */
  hash: number;
}

export interface VoiceActivityOptions {
  /** Frames louder than this (dBFS) are voiced. Default -32. */
  thresholdDb?: number;
  /** A quieter stretch at least this long ends a word. Default 0.03 s. */
  minGapS?: number;
  /** Shorter voiced blips are ignored. Default 0.06 s. */
  minWordS?: number;
  /** Longer voiced runs are cut into several words. Default 0.8 s. */
  maxWordS?: number;
}

const FRAME_S = 0.02;

/**
 * Incremental voice-activity detection over PCM16 mono: push samples as they arrive (a whole file or
 * 100 ms live frames), get back the words that have ended. Works identically in batch and streaming.
 */
export class VoiceActivityDetector {
  private readonly frameSamples: number;
  private readonly thresholdDb: number;
  private readonly minGapFrames: number;
  private readonly minWordFrames: number;
  private readonly maxWordFrames: number;
  private carry = new Int16Array(0);
  private frameIndex = 0;
  private wordStartFrame: number | undefined;
  private lastVoicedFrame = -1;
  private contour: number[] = [];

  constructor(
    readonly sampleRate: number,
    options: VoiceActivityOptions = {},
  ) {
    this.frameSamples = Math.round(sampleRate * FRAME_S);
    this.thresholdDb = options.thresholdDb ?? -32;
    this.minGapFrames = Math.round((options.minGapS ?? 0.03) / FRAME_S);
    this.minWordFrames = Math.round((options.minWordS ?? 0.06) / FRAME_S);
    this.maxWordFrames = Math.round((options.maxWordS ?? 0.8) / FRAME_S);
  }

  /** Seconds of audio consumed so far. */
  get positionS(): number {
    return (this.frameIndex * this.frameSamples + this.carry.length) / this.sampleRate;
  }

  /** True while a word is open (speech is going on). */
  get inWord(): boolean {
    return this.wordStartFrame !== undefined;
  }

  /** Seconds since the last voiced frame. */
  get silenceS(): number {
    return (this.frameIndex - 1 - this.lastVoicedFrame) * FRAME_S;
  }

  push(samples: Int16Array): VoicedSpan[] {
    const all = new Int16Array(this.carry.length + samples.length);
    all.set(this.carry);
    all.set(samples, this.carry.length);
    const words: VoicedSpan[] = [];
    let offset = 0;
    for (; offset + this.frameSamples <= all.length; offset += this.frameSamples) {
      const word = this.frame(all.subarray(offset, offset + this.frameSamples));
      if (word) words.push(word);
    }
    this.carry = all.slice(offset);
    return words;
  }

  /** Ends the open word, if any (end of file, Finalize, CloseStream). */
  flush(): VoicedSpan[] {
    const word = this.closeWord(this.lastVoicedFrame + 1);
    return word ? [word] : [];
  }

  private frame(frame: Int16Array): VoicedSpan | undefined {
    let sum = 0;
    for (const sample of frame) sum += sample * sample;
    const db = 20 * Math.log10(Math.sqrt(sum / frame.length) / 32768 + 1e-9);
    const index = this.frameIndex++;
    if (db > this.thresholdDb) {
      this.wordStartFrame ??= index;
      this.lastVoicedFrame = index;
      this.contour.push(Math.round(db / 3));
      if (index - this.wordStartFrame + 1 >= this.maxWordFrames) return this.closeWord(index + 1);
      return undefined;
    }
    if (this.wordStartFrame !== undefined && index - this.lastVoicedFrame >= this.minGapFrames) {
      return this.closeWord(this.lastVoicedFrame + 1);
    }
    return undefined;
  }

  private closeWord(endFrame: number): VoicedSpan | undefined {
    const start = this.wordStartFrame;
    const contour = this.contour;
    this.wordStartFrame = undefined;
    this.contour = [];
    if (start === undefined || endFrame - start < this.minWordFrames) return undefined;
    let hash = 2166136261;
    for (const value of [...contour, endFrame - start]) {
      hash ^= value & 0xff;
      hash = Math.imul(hash, 16777619) >>> 0;
    }
    return { start: start * FRAME_S, end: endFrame * FRAME_S, hash };
  }
}
