import { isStorageFull, UnsupportedMediaError } from './media-errors';
import { INPUT_RESTRICTIONS } from './input-formats';
import type { MediaTools } from './media-tools';
import { probeMedia } from './probe';
import { readWavLayout } from './wav';
import { ProcessFailedError, runProcess } from './run-process';

export const SAMPLE_RATE = 16_000;

export interface Silence {
  startS: number;
  endS: number;
}

export interface NormalizedAudio {
  durationS: number;
  silences: Silence[];
}

/**
 * One ffmpeg pass: first audio stream (video dropped) → 16 kHz mono PCM WAV, the format every provider
 * accepts and the chunker can cut at exact sample offsets. silencedetect runs in the same pass, so finding
 * cut points costs no second decode. Only self-contained media is read (see input-formats.ts).
 */
export async function normalizeAudio(
  input: string,
  output: string,
  options: { tools: MediaTools; signal?: AbortSignal; onProgress?: (seconds: number) => void },
): Promise<NormalizedAudio> {
  const silences: Silence[] = [];
  let openSilence: number | undefined;
  let writeFailure: string | undefined;
  try {
    await runProcess(
      options.tools.ffmpeg,
      [
        '-nostdin',
        '-hide_banner',
        '-y',
        ...INPUT_RESTRICTIONS,
        '-i',
        input,
        '-map',
        '0:a:0',
        '-vn',
        '-sn',
        '-dn',
        '-af',
        'silencedetect=noise=-35dB:d=0.35',
        '-ac',
        '1',
        '-ar',
        String(SAMPLE_RATE),
        '-c:a',
        'pcm_s16le',
        '-f',
        'wav',
        '-progress',
        'pipe:1',
        '-nostats',
        output,
      ],
      {
        signal: options.signal,
        onStdoutLine: (line) => {
          const match = /^out_time_us=(\d+)/.exec(line);
          if (match) options.onProgress?.(Number(match[1]) / 1e6);
        },
        onStderrLine: (line) => {
          if (isStorageFull({ stderr: line })) writeFailure ??= line;
          const start = /silence_start: (-?[\d.]+)/.exec(line);
          if (start) openSilence = Math.max(0, Number(start[1]));
          const end = /silence_end: ([\d.]+)/.exec(line);
          if (end && openSilence !== undefined) {
            silences.push({ startS: openSilence, endS: Number(end[1]) });
            openSilence = undefined;
          }
        },
      },
    );
    // Debian's ffmpeg 5.1 (the image's) exits 0 when writing its output fails at the end, leaving it cut short.
    if (writeFailure) throw new ProcessFailedError(options.tools.ffmpeg, 0, writeFailure);
  } catch (error) {
    // A full volume says nothing about the recording: ffmpeg's own failure goes on, for the activity to classify.
    if (error instanceof ProcessFailedError && !isStorageFull(error)) {
      // ffmpeg's last line seldom says what is wrong with the file; ffprobe does (not media, no audio stream).
      await probeMedia(input, options.tools, options.signal);
      throw new UnsupportedMediaError('the audio could not be decoded', error.stderr.trim().split('\n').at(-1));
    }
    throw error;
  }
  const { durationS } = await readWavLayout(output);
  if (openSilence !== undefined) silences.push({ startS: openSilence, endS: durationS });
  if (durationS <= 0) throw new UnsupportedMediaError('the audio is empty (zero length)');
  return { durationS, silences };
}
