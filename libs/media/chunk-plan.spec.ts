import { planChunks } from './chunk-plan';

describe('planChunks', () => {
  it('makes one chunk of a short recording', () => {
    expect(planChunks(20, [], { parallelism: 8 })).toEqual([{ index: 0, startS: 0, endS: 20 }]);
  });

  it('spreads a long recording over the parallelism, within the provider limit', () => {
    const chunks = planChunks(3600, [], { parallelism: 16, maxChunkS: 600 });
    expect(chunks).toHaveLength(16);
    expect(chunks[0]!.startS).toBe(0);
    expect(chunks.at(-1)!.endS).toBe(3600);
    for (const chunk of chunks) expect(chunk.endS - chunk.startS).toBeLessThanOrEqual(600);
  });

  it('never exceeds the provider limit even with low parallelism', () => {
    const chunks = planChunks(3600, [], { parallelism: 2, maxChunkS: 600 });
    expect(chunks).toHaveLength(6);
    for (const chunk of chunks) expect(chunk.endS - chunk.startS).toBeLessThanOrEqual(600);
  });

  it('moves cuts into nearby silences and leaves them alone when none is near', () => {
    const chunks = planChunks(120, [{ startS: 58, endS: 59 }], { parallelism: 2, minChunkS: 30 });
    expect(chunks.map((c) => [c.startS, c.endS])).toEqual([
      [0, 58.5],
      [58.5, 120],
    ]);
    const far = planChunks(120, [{ startS: 10, endS: 11 }], { parallelism: 2, minChunkS: 30 });
    expect(far.map((c) => c.startS)).toEqual([0, 60]);
  });

  it('covers the recording with contiguous chunks', () => {
    const silences = Array.from({ length: 200 }, (_, i) => ({ startS: i * 17 + 3, endS: i * 17 + 3.6 }));
    const chunks = planChunks(3000, silences, { parallelism: 12 });
    chunks.forEach((chunk, i) => {
      expect(chunk.index).toBe(i);
      if (i > 0) expect(chunk.startS).toBe(chunks[i - 1]!.endS);
    });
  });
});
