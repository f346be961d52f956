import { INPUT_RESTRICTIONS, refusedFormatMessage } from './input-formats';
import { UnsupportedMediaError } from './media-errors';
import type { MediaTools } from './media-tools';
import { ProcessFailedError, runProcess } from './run-process';

export interface MediaInfo {
  durationS: number;
  format: string;
  audioCodec: string;
  sampleRate: number;
  channels: number;
  hasVideo: boolean;
}

interface FfprobeOutput {
  format?: { format_name?: string; duration?: string };
  streams?: { codec_type?: string; codec_name?: string; sample_rate?: string; channels?: number; duration?: string }[];
}

/** Reads container and audio stream facts with ffprobe; anything that is not usable audio is UnsupportedMedia. */
export async function probeMedia(path: string, tools: MediaTools, signal?: AbortSignal): Promise<MediaInfo> {
  let output: FfprobeOutput;
  try {
    const { stdout } = await runProcess(
      tools.ffprobe,
      ['-v', 'error', ...INPUT_RESTRICTIONS, '-print_format', 'json', '-show_format', '-show_streams', path],
      { signal },
    );
    output = JSON.parse(stdout) as FfprobeOutput;
  } catch (error) {
    if (error instanceof ProcessFailedError) {
      throw new UnsupportedMediaError(
        refusedFormatMessage(error.stderr) ?? 'not a readable audio or video file',
        error.stderr.trim(),
      );
    }
    throw error;
  }
  const audio = output.streams?.find((stream) => stream.codec_type === 'audio');
  if (!audio) throw new UnsupportedMediaError('the file has no audio stream');
  const durationS = Number(output.format?.duration ?? audio.duration ?? 0);
  if (!Number.isFinite(durationS) || durationS <= 0)
    throw new UnsupportedMediaError('the audio is empty (zero length)');
  return {
    durationS,
    format: output.format?.format_name ?? 'unknown',
    audioCodec: audio.codec_name ?? 'unknown',
    sampleRate: Number(audio.sample_rate ?? 0),
    channels: audio.channels ?? 0,
    hasVideo: output.streams?.some((stream) => stream.codec_type === 'video' && stream.codec_name !== 'mjpeg') ?? false,
  };
}
