import type { TranscriptSegment, TranscriptWord } from '../providers/transcript';

/** Broadcast subtitle limits (BBC/Netflix style). */
export const CUE_LIMITS = { maxLineChars: 42, maxLines: 2, maxDurationS: 7, minDurationS: 0.5 } as const;

export interface Cue {
  start: number;
  end: number;
  lines: string[];
}

/** Greedy word wrap; undefined when the text needs more than `maxLines` lines. */
export function wrap(
  text: string,
  maxLineChars = CUE_LIMITS.maxLineChars,
  maxLines = CUE_LIMITS.maxLines,
): string[] | undefined {
  const lines: string[] = [];
  let line = '';
  for (const token of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${token}` : token;
    if (candidate.length <= maxLineChars) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = token;
    if (lines.length >= maxLines || line.length > maxLineChars) return undefined;
  }
  if (line) lines.push(line);
  return lines.length <= maxLines ? lines : undefined;
}

/** Splits a token too long for one line (URLs, long compounds) into line-sized parts. */
function splitLongTokens(tokens: string[]): string[] {
  return tokens.flatMap((token) => token.match(new RegExp(`.{1,${CUE_LIMITS.maxLineChars}}`, 'gu')) ?? []);
}

/** Cues from timed words: as many words per cue as fit the line, line-count and duration limits. */
function cuesFromWords(words: readonly TranscriptWord[]): Cue[] {
  const cues: Cue[] = [];
  let current: TranscriptWord[] = [];
  const flush = () => {
    if (current.length === 0) return;
    cues.push({
      start: current[0]!.start,
      end: current.at(-1)!.end,
      lines: wrap(current.map((w) => w.word).join(' '))!,
    });
    current = [];
  };
  for (const word of words) {
    for (const piece of splitLongTokens([word.word])) {
      const next = [...current, { ...word, word: piece }];
      const fits = wrap(next.map((w) => w.word).join(' ')) && word.end - next[0]!.start <= CUE_LIMITS.maxDurationS;
      if (!fits) flush();
      current.push({ ...word, word: piece });
    }
  }
  flush();
  return cues;
}

/** Cues from an untimed text over [start, end]: time shared out by character count. */
function cuesFromText(text: string, start: number, end: number): Cue[] {
  const pieces: string[][] = [];
  let current: string[] = [];
  for (const token of splitLongTokens(text.split(/\s+/).filter(Boolean))) {
    if (!wrap([...current, token].join(' ')) && current.length) {
      pieces.push(current);
      current = [];
    }
    current.push(token);
  }
  if (current.length) pieces.push(current);
  const total = pieces.reduce((sum, piece) => sum + piece.join(' ').length, 0) || 1;
  let chars = 0;
  const boundary = () => start + ((end - start) * chars) / total;
  return pieces.map((piece, i) => {
    const cueStart = boundary();
    chars += piece.join(' ').length;
    const cueEnd = i === pieces.length - 1 ? end : boundary();
    return {
      start: cueStart,
      end: Math.min(cueEnd, cueStart + CUE_LIMITS.maxDurationS),
      lines: wrap(piece.join(' '))!,
    };
  });
}

/**
 * Subtitle cues for a transcript: each segment's own words when the transcript has them (the original),
 * else the segment text spread over the segment's time (translations, which share the original's timing).
 * Cues never overlap and always last long enough to be read.
 */
export function buildCues(segments: readonly TranscriptSegment[], words: readonly TranscriptWord[] = []): Cue[] {
  const cues: Cue[] = [];
  let wordIndex = 0;
  for (const segment of segments) {
    const own: TranscriptWord[] = [];
    while (wordIndex < words.length && (words[wordIndex]!.start + words[wordIndex]!.end) / 2 <= segment.end + 0.001) {
      const word = words[wordIndex++]!;
      if ((word.start + word.end) / 2 >= segment.start - 0.001) own.push(word);
    }
    cues.push(...(own.length ? cuesFromWords(own) : cuesFromText(segment.text, segment.start, segment.end)));
  }
  for (let i = 0; i < cues.length; i++) {
    const cue = cues[i]!;
    const previous = cues[i - 1];
    if (previous && cue.start < previous.end) cue.start = previous.end;
    const nextStart = cues[i + 1]?.start ?? Infinity;
    if (cue.end - cue.start < CUE_LIMITS.minDurationS)
      cue.end = Math.min(cue.start + CUE_LIMITS.minDurationS, Math.max(nextStart, cue.end));
    cue.end = Math.min(cue.end, cue.start + CUE_LIMITS.maxDurationS);
    cue.start = Math.round(cue.start * 1000) / 1000;
    cue.end = Math.floor(cue.end * 1000) / 1000;
  }
  return cues.filter((cue) => cue.end > cue.start);
}
