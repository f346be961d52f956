import { execFileSync } from 'node:child_process';
import { speechRecording } from './audio-fixtures';

/** A spoken recording as 100 ms frames of 16 kHz mono PCM16 (3,200 bytes each), as a microphone sends them. */
export async function pcmFrames(seconds: number): Promise<Buffer[]> {
  const pcm = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', await speechRecording(seconds, 'wav'), '-f', 's16le', '-ac', '1', '-ar', '16000', '-'],
    {
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  const frames: Buffer[] = [];
  for (let offset = 0; offset < pcm.length; offset += 3200) frames.push(pcm.subarray(offset, offset + 3200));
  return frames;
}

/** 100 ms of silence, to let the provider's endpointing close an utterance. */
export const SILENCE_FRAME = Buffer.alloc(3200);
