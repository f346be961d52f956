import type { TranscriptSegment, TranscriptWord } from '../providers/transcript';
import { buildCues } from './cues';

export const EXPORT_FORMATS = ['json', 'txt', 'srt', 'vtt'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  json: 'application/json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  srt: 'application/x-subrip; charset=utf-8',
  vtt: 'text/vtt; charset=utf-8',
};

export interface ExportableTranscript {
  jobId: string;
  language: string;
  kind: 'original' | 'translation';
  text: string;
  durationS: number;
  segments: TranscriptSegment[];
  words: TranscriptWord[];
  providers: string[];
  simulated: boolean;
}

function clock(seconds: number, separator: ',' | '.'): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor((ms % 3_600_000) / 60_000))}:${pad(Math.floor((ms % 60_000) / 1000))}${separator}${pad(ms % 1000, 3)}`;
}

export function toSrt(transcript: ExportableTranscript): string {
  return buildCues(transcript.segments, transcript.words)
    .map((cue, i) => `${i + 1}\n${clock(cue.start, ',')} --> ${clock(cue.end, ',')}\n${cue.lines.join('\n')}\n`)
    .join('\n');
}

export function toVtt(transcript: ExportableTranscript): string {
  const cues = buildCues(transcript.segments, transcript.words).map(
    (cue) => `${clock(cue.start, '.')} --> ${clock(cue.end, '.')}\n${cue.lines.join('\n')}\n`,
  );
  const note = transcript.simulated
    ? 'NOTE Produced by the Voxflow provider simulator (not real speech recognition).\n\n'
    : '';
  return `WEBVTT\n\n${note}${cues.join('\n')}`;
}

/** One line per segment: readable, and diff-able between languages. */
export function toText(transcript: ExportableTranscript): string {
  return `${transcript.segments.map((segment) => segment.text).join('\n')}\n`;
}

export function toJson(transcript: ExportableTranscript): string {
  return JSON.stringify({
    job_id: transcript.jobId,
    language: transcript.language,
    kind: transcript.kind,
    duration_s: transcript.durationS,
    providers: transcript.providers,
    simulated: transcript.simulated,
    text: transcript.text,
    segments: transcript.segments,
    words: transcript.words,
  });
}

export function exportTranscript(transcript: ExportableTranscript, format: ExportFormat): string {
  switch (format) {
    case 'srt':
      return toSrt(transcript);
    case 'vtt':
      return toVtt(transcript);
    case 'txt':
      return toText(transcript);
    case 'json':
      return toJson(transcript);
  }
}
