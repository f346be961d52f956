import { JOB_ERROR_CODES } from '../libs/contracts/job';
import type { JobChunkDocument } from '../libs/db/job-chunk.schema';
import { classifyHttpFailure, parseRetryAfter } from '../libs/providers/provider-error';
import { refuseTextContent } from './download.activity';
import { mergeChunks } from './merge.activity';
import { batchEnd } from './translate.activity';
import { WEBHOOK_DELIVERY } from '../workflows/activity-profiles';
import { webhookRetryDelayMs } from '../libs/contracts/webhook-retry';

describe('webhookRetryDelayMs', () => {
  it('doubles from 5 s, caps at 1 h and jitters by ±25 %', () => {
    expect(webhookRetryDelayMs(1, () => 0.5)).toBe(5_000);
    expect(webhookRetryDelayMs(4, () => 0.5)).toBe(40_000);
    expect(webhookRetryDelayMs(30, () => 0.5)).toBe(3_600_000);
    expect(webhookRetryDelayMs(1, () => 0)).toBe(3_750);
    expect(webhookRetryDelayMs(1, () => 0.999999)).toBeLessThanOrEqual(6_250);
  });

  it('keeps retrying for more than a day within the 45 attempts of WEBHOOK_DELIVERY, even at the shortest jitter', () => {
    expect(WEBHOOK_DELIVERY.retry?.maximumAttempts).toBe(45);
    let total = 0;
    for (let attempt = 1; attempt < 45; attempt++) total += webhookRetryDelayMs(attempt, () => 0);
    expect(total).toBeGreaterThan(24 * 3_600_000);
  });
});

describe('classifyHttpFailure', () => {
  it.each([
    [401, 'bad key', JOB_ERROR_CODES.providerAuth, false],
    [403, 'forbidden', JOB_ERROR_CODES.providerAuth, false],
    [429, 'slow down', JOB_ERROR_CODES.providerRateLimited, true],
    [500, 'oops', JOB_ERROR_CODES.providerUnavailable, true],
    [503, 'down', JOB_ERROR_CODES.providerUnavailable, true],
    [400, "Language 'xx' is not supported", JOB_ERROR_CODES.unsupportedLanguage, false],
    [413, 'too big', JOB_ERROR_CODES.providerRejected, false],
  ])('maps %i (%s) to %s, retryable=%s', (status, detail, code, retryable) => {
    const error = classifyHttpFailure('openai', status, detail, '2');
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter(new Date(Date.now() + 10_000).toUTCString())).toBeGreaterThan(8_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('batchEnd', () => {
  it('fills a batch up to the character and line budgets, always taking at least one line', () => {
    const lines = ['a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40)];
    expect(batchEnd(lines, 0, 100, 10)).toBe(2);
    expect(batchEnd(lines, 2, 100, 10)).toBe(3);
    expect(batchEnd(['x'.repeat(500)], 0, 100, 10)).toBe(1);
    expect(
      batchEnd(
        Array.from({ length: 20 }, () => 'y'),
        0,
        1_000,
        5,
      ),
    ).toBe(5);
  });
});

describe('mergeChunks', () => {
  const chunk = (
    index: number,
    offsetS: number,
    durationS: number,
    words: [number, number, string][],
  ): JobChunkDocument => ({
    _id: `j:${index}`,
    jobId: 'j',
    index,
    offsetS,
    durationS,
    provider: 'openai',
    model: 'm',
    text: words.map((w) => w[2]).join(' '),
    segments: [{ start: words[0]![0], end: words.at(-1)![1], text: words.map((w) => w[2]).join(' ') }],
    words: words.map(([start, end, word]) => ({ start, end, word })),
    simulated: false,
    createdAt: new Date(),
  });

  it('shifts chunk times by their offsets and keeps the result in order without overlaps', () => {
    const { segments, words } = mergeChunks([
      chunk(0, 0, 10, [
        [1, 2, 'one'],
        [3, 9.99, 'two'],
      ]),
      // A provider reporting a word slightly before its chunk start must not overlap the previous chunk.
      chunk(1, 10, 10, [
        [-0.5, 1, 'three'],
        [4, 5, 'four'],
      ]),
    ]);
    expect(words.map((w) => [w.start, w.end, w.word])).toEqual([
      [1, 2, 'one'],
      [3, 9.99, 'two'],
      [9.99, 11, 'three'],
      [14, 15, 'four'],
    ]);
    expect(segments.map((s) => [s.start, s.end])).toEqual([
      [1, 9.99],
      [9.99, 15],
    ]);
  });
});

describe('refuseTextContent', () => {
  it('refuses web pages and JSON, lets media through', () => {
    expect(() => refuseTextContent(Buffer.from('<!DOCTYPE html><html>…'))).toThrow(/web page/);
    expect(() => refuseTextContent(Buffer.from('{"error":"not found"}'))).toThrow(/web page or JSON/);
    expect(() => refuseTextContent(Buffer.from('ID3\x04\x00\x00\x00'))).not.toThrow();
    expect(() => refuseTextContent(Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt '))).not.toThrow();
  });
});
