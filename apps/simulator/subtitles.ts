import type { SimulatedSegment } from './simulated-transcript';

function timestamp(seconds: number, separator: ',' | '.'): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

/** OpenAI's `response_format=srt|vtt`: one cue per segment, as Whisper does. */
export function segmentsAs(format: 'srt' | 'vtt', segments: readonly SimulatedSegment[]): string {
  const separator = format === 'srt' ? ',' : '.';
  const cues = segments.map((segment, i) => {
    const times = `${timestamp(segment.start, separator)} --> ${timestamp(segment.end, separator)}`;
    return format === 'srt' ? `${i + 1}\n${times}\n${segment.text}\n` : `${times}\n${segment.text}\n`;
  });
  return format === 'srt' ? cues.join('\n') : `WEBVTT\n\n${cues.join('\n')}`;
}
