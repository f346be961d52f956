import { buildCues, CUE_LIMITS, wrap } from './cues';

function timedWords(text: string, start = 0, perWord = 0.4) {
  return text
    .split(' ')
    .map((word, i) => ({ word, start: start + i * perWord, end: start + i * perWord + perWord * 0.8 }));
}

function assertRules(cues: ReturnType<typeof buildCues>) {
  for (const [i, cue] of cues.entries()) {
    expect(cue.lines.length).toBeLessThanOrEqual(CUE_LIMITS.maxLines);
    for (const line of cue.lines) expect(line.length).toBeLessThanOrEqual(CUE_LIMITS.maxLineChars);
    expect(cue.end - cue.start).toBeLessThanOrEqual(CUE_LIMITS.maxDurationS + 1e-9);
    expect(cue.end).toBeGreaterThan(cue.start);
    if (i > 0) expect(cue.start).toBeGreaterThanOrEqual(cues[i - 1]!.end);
  }
}

describe('wrap', () => {
  it('wraps greedily within the line limit and refuses a third line', () => {
    expect(wrap('the quick brown fox jumps over the lazy dog and keeps running far away')).toEqual([
      'the quick brown fox jumps over the lazy',
      'dog and keeps running far away',
    ]);
    expect(wrap('word '.repeat(40))).toBeUndefined();
  });
});

describe('buildCues', () => {
  it('packs timed words into cues that respect 42 characters, 2 lines and 7 seconds', () => {
    const text = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const words = timedWords(text);
    const cues = buildCues([{ start: 0, end: words.at(-1)!.end, text }], words);
    expect(cues.length).toBeGreaterThan(3);
    assertRules(cues);
    expect(cues.flatMap((c) => c.lines).join(' ')).toBe(text);
  });

  it('spreads untimed translated text over the segment, keeping the rules', () => {
    const text =
      'Esta es una frase bastante larga que no cabe en un solo subtítulo y debe repartirse en varios trozos legibles';
    const cues = buildCues([{ start: 10, end: 24, text }]);
    assertRules(cues);
    expect(cues[0]!.start).toBe(10);
    expect(cues.at(-1)!.end).toBeLessThanOrEqual(24);
    expect(cues.flatMap((c) => c.lines).join(' ')).toBe(text);
  });

  it('splits tokens longer than a line and never emits overlapping cues', () => {
    const long = 'x'.repeat(100);
    const cues = buildCues([
      { start: 0, end: 3, text: long },
      { start: 2.5, end: 4, text: 'overlapping start' },
    ]);
    assertRules(cues);
    expect(cues.flatMap((c) => c.lines).join('')).toContain('x'.repeat(42));
  });

  it('caps a cue at 7 s even when the speech is slower', () => {
    const cues = buildCues([{ start: 0, end: 30, text: 'Short.' }]);
    expect(cues).toHaveLength(1);
    expect(cues[0]!.end - cues[0]!.start).toBeLessThanOrEqual(7);
  });
});
