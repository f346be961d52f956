import { spawn } from 'node:child_process';
import { parseWavHeader } from '../../libs/media/wav';
import { VoiceActivityDetector, type VoicedSpan } from './voice-activity';
import { wordFor } from './vocabulary';

export interface SimulatedWord {
  start: number;
  end: number;
  word: string;
  confidence: number;
}

export interface SimulatedSegment {
  start: number;
  end: number;
  text: string;
  words: SimulatedWord[];
}

export interface SimulatedTranscript {
  durationS: number;
  language: string;
  text: string;
  words: SimulatedWord[];
  segments: SimulatedSegment[];
}

export interface Pcm {
  samples: Int16Array;
  sampleRate: number;
}

/** PCM16 mono from any upload: WAV is read directly, anything else is decoded by ffmpeg. */
export async function decodeAudio(bytes: Buffer): Promise<Pcm> {
  if (bytes.length >= 12 && bytes.toString('ascii', 0, 4) === 'RIFF') {
    const layout = parseWavHeader(bytes, bytes.length);
    if (layout.bitsPerSample === 16) {
      const data = bytes.subarray(layout.dataOffset, layout.dataOffset + layout.dataBytes);
      const interleaved = new Int16Array(data.buffer, data.byteOffset, Math.floor(data.length / 2));
      if (layout.channels === 1) return { samples: interleaved.slice(), sampleRate: layout.sampleRate };
      const mono = new Int16Array(Math.floor(interleaved.length / layout.channels));
      for (let i = 0; i < mono.length; i++) mono[i] = interleaved[i * layout.channels]!;
      return { samples: mono, sampleRate: layout.sampleRate };
    }
  }
  return decodeWithFfmpeg(bytes);
}

function decodeWithFfmpeg(bytes: Buffer): Promise<Pcm> {
  return new Promise((resolvePromise, reject) => {
    const ffmpeg = spawn('ffmpeg', [
      '-v',
      'error',
      '-i',
      'pipe:0',
      '-f',
      's16le',
      '-ac',
      '1',
      '-ar',
      '16000',
      'pipe:1',
    ]);
    const chunks: Buffer[] = [];
    let stderr = '';
    ffmpeg.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    ffmpeg.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    ffmpeg.stdin.on('error', () => undefined);
    ffmpeg.once('error', reject);
    ffmpeg.once('close', (code) => {
      const pcm = Buffer.concat(chunks);
      if (code !== 0 || pcm.length === 0) return reject(new Error(`audio could not be decoded: ${stderr.trim()}`));
      resolvePromise({
        samples: new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2)).slice(),
        sampleRate: 16_000,
      });
    });
    ffmpeg.stdin.end(bytes);
  });
}

/** Words for voiced spans, in `language`. Confidence is derived from the hash, so it is stable too. */
export function wordsFor(spans: readonly VoicedSpan[], language: string): SimulatedWord[] {
  return spans.map((span) => ({
    start: round(span.start),
    end: round(span.end),
    word: wordFor(span.hash, language),
    confidence: 0.8 + (span.hash % 20) / 100,
  }));
}

/** Groups words into sentence-like segments at pauses (≥ 0.25 s), 12 words or 8 s. */
export function segmentWords(words: readonly SimulatedWord[]): SimulatedSegment[] {
  const segments: SimulatedSegment[] = [];
  let current: SimulatedWord[] = [];
  const close = () => {
    if (current.length === 0) return;
    const text = current.map((w) => w.word).join(' ');
    segments.push({
      start: current[0]!.start,
      end: current.at(-1)!.end,
      text: `${text[0]!.toUpperCase()}${text.slice(1)}.`,
      words: current,
    });
    current = [];
  };
  for (const word of words) {
    const previous = current.at(-1);
    if (previous && (word.start - previous.end >= 0.25 || current.length >= 12 || word.end - current[0]!.start > 8))
      close();
    current.push(word);
  }
  close();
  return segments;
}

/** The whole simulated transcription of one recording. */
export function simulateTranscript(pcm: Pcm, language: string): SimulatedTranscript {
  const detector = new VoiceActivityDetector(pcm.sampleRate);
  const spans = [...detector.push(pcm.samples), ...detector.flush()];
  const words = wordsFor(spans, language);
  const segments = segmentWords(words);
  return {
    durationS: round(pcm.samples.length / pcm.sampleRate),
    language,
    text: segments.map((s) => s.text).join(' '),
    words,
    segments,
  };
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
