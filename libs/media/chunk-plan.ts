import type { Silence } from './normalize-audio';

export interface ChunkPlanOptions {
  /** Upper bound on how many chunks run at once: more chunks than that only add overhead. */
  parallelism: number;
  /** Shortest chunk worth a provider call (default 30 s). */
  minChunkS?: number;
  /** Longest chunk the provider accepts, e.g. OpenAI's 25 MiB at 16 kHz mono PCM ≈ 13.6 min (default 600 s). */
  maxChunkS?: number;
}

export interface PlannedChunk {
  index: number;
  startS: number;
  endS: number;
}

/**
 * Splits `durationS` into about `parallelism` chunks so all of them transcribe at once, each within the
 * provider's limit, moving every cut to the middle of a nearby silence so no word is split in two.
 */
export function planChunks(durationS: number, silences: readonly Silence[], options: ChunkPlanOptions): PlannedChunk[] {
  const minChunkS = options.minChunkS ?? 30;
  const maxChunkS = options.maxChunkS ?? 600;
  const targetS = Math.min(maxChunkS, Math.max(minChunkS, durationS / Math.max(1, options.parallelism)));
  const count = Math.max(1, Math.round(durationS / targetS));
  const length = durationS / count;
  // A cut may move by up to a fifth of a chunk (at most 15 s) to reach a silence.
  const window = Math.min(15, length / 5);

  const cuts: number[] = [];
  for (let i = 1; i < count; i++) {
    const ideal = i * length;
    const previous = cuts.at(-1) ?? 0;
    let best = ideal;
    let bestDistance = Infinity;
    for (const silence of silences) {
      const middle = (silence.startS + silence.endS) / 2;
      const distance = Math.abs(middle - ideal);
      if (distance <= window && distance < bestDistance && middle - previous <= maxChunkS && middle > previous + 1) {
        best = middle;
        bestDistance = distance;
      }
    }
    cuts.push(best);
  }
  const bounds = [0, ...cuts, durationS];
  return bounds.slice(0, -1).map((startS, index) => ({ index, startS, endS: bounds[index + 1]! }));
}
