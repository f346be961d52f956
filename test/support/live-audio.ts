import { PCM_FRAME_BYTES, pcmFrames as decodeFrames } from '../../libs/media/pcm-frames';
import { speechRecording } from './audio-fixtures';

/** A spoken recording as 100 ms frames of 16 kHz mono PCM16 (3,200 bytes each), as a microphone sends them. */
export async function pcmFrames(seconds: number): Promise<Buffer[]> {
  return decodeFrames(await speechRecording(seconds, 'wav'));
}

/** 100 ms of silence, to let the provider's endpointing close an utterance. */
export const SILENCE_FRAME = Buffer.alloc(PCM_FRAME_BYTES);
