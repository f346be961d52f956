/** Tuning shared by workflows and activities (deterministic constants, safe to import in workflows). */
export const PIPELINE = {
  /** Chunks transcribed at once per job; the chunk plan aims at this many chunks. */
  parallelChunks: 16,
  /** Per chunk: ≤ 600 s of 16 kHz mono PCM is ≈ 19 MB, under OpenAI's 25 MiB upload limit. */
  maxChunkS: 600,
  minChunkS: 30,
  /** Per translation request: ~1,500 tokens of source text, at most 60 lines. */
  translationBatchChars: 6_000,
  translationBatchLines: 60,
  /**
   * A downloaded source up to this size is chunked by the download's own activity. Redownloading it on a
   * retry costs less than the extra round trip through Temporal that a separate step costs every job.
   */
  prepareWithDownloadMaxBytes: 32 * 1024 * 1024,
} as const;

/** The requested translations, less the language the recording turned out to be in. */
export function translationTargets(requested: readonly string[], spoken: string): string[] {
  return requested.filter((language) => language !== spoken);
}
