import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SAMPLE_RATE } from './normalize-audio';

const run = promisify(execFile);

/** 100 ms of 16 kHz mono PCM16: the frame a live-caption client sends. */
export const PCM_FRAME_MS = 100;
export const PCM_FRAME_BYTES = (SAMPLE_RATE * 2 * PCM_FRAME_MS) / 1000;

/**
 * A recording (first `seconds` of it, or all) decoded by ffmpeg to 16 kHz mono PCM16 and cut into 100 ms
 * frames, as a microphone streams them. The last frame is padded with silence, so every frame is 100 ms
 * and a frame's index is its position in time.
 */
export async function pcmFrames(path: string, seconds?: number): Promise<Buffer[]> {
  const { stdout: pcm } = await run(
    'ffmpeg',
    [
      ...['-v', 'error', '-i', path],
      ...(seconds === undefined ? [] : ['-t', String(seconds)]),
      ...['-f', 's16le', '-ac', '1', '-ar', String(SAMPLE_RATE), '-'],
    ],
    { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
  );
  const frames: Buffer[] = [];
  for (let offset = 0; offset < pcm.length; offset += PCM_FRAME_BYTES) {
    const frame = pcm.subarray(offset, offset + PCM_FRAME_BYTES);
    frames.push(
      frame.length === PCM_FRAME_BYTES ? frame : Buffer.concat([frame, Buffer.alloc(PCM_FRAME_BYTES - frame.length)]),
    );
  }
  return frames;
}
