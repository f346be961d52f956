import { JOB_ERROR_CODES } from '../libs/contracts/job';
import type { JobChunkDocument } from '../libs/db/job-chunk.schema';
import type { TranscriptSegment, TranscriptWord } from '../libs/providers/transcript';
import type { MergedTranscript, MergeTranscriptInput } from '../libs/contracts/activities';
import type { ActivityDeps } from './activity-deps';
import { permanent } from './failures';

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;

/** The language most of the audio was in (by duration), as the providers reported it. */
function dominantLanguage(chunks: readonly JobChunkDocument[]): string | undefined {
  const seconds = new Map<string, number>();
  for (const chunk of chunks)
    if (chunk.language) seconds.set(chunk.language, (seconds.get(chunk.language) ?? 0) + chunk.durationS);
  return [...seconds.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/**
 * Chunk transcripts → one transcript: times shifted by each chunk's offset, kept in order and never
 * overlapping, words and segments together. Pure function of the stored chunks, so a retry is harmless.
 */
export function mergeChunks(chunks: readonly JobChunkDocument[]): {
  segments: TranscriptSegment[];
  words: TranscriptWord[];
} {
  const segments: TranscriptSegment[] = [];
  const words: TranscriptWord[] = [];
  for (const chunk of chunks) {
    const limit = chunk.offsetS + chunk.durationS;
    for (const s of chunk.segments) {
      const previousEnd = segments.at(-1)?.end ?? 0;
      const start = round(Math.max(previousEnd, Math.min(limit, chunk.offsetS + s.start)));
      const end = round(Math.max(start, Math.min(limit, chunk.offsetS + s.end)));
      if (s.text)
        segments.push({ start, end, text: s.text, ...(s.speaker !== undefined ? { speaker: s.speaker } : {}) });
    }
    for (const w of chunk.words) {
      const previousEnd = words.at(-1)?.end ?? 0;
      const start = round(Math.max(previousEnd, Math.min(limit, chunk.offsetS + w.start)));
      const end = round(Math.max(start, Math.min(limit, chunk.offsetS + w.end)));
      words.push({ start, end, word: w.word, ...(w.confidence !== undefined ? { confidence: w.confidence } : {}) });
    }
  }
  return { segments, words };
}

/**
 * Reads a job's chunk transcripts and saves the merged original. Returns the chunk records too, for a caller
 * that needs them next (storing sums usage from them).
 */
export function createTranscriptMerger({
  chunks,
  transcriptStore: store,
}: Pick<ActivityDeps, 'chunks' | 'transcriptStore'>) {
  return async function merge({
    jobId,
    tenantId,
    chunkCount,
    language,
  }: MergeTranscriptInput): Promise<{ merged: MergedTranscript; chunks: JobChunkDocument[] }> {
    const stored = await chunks.listForJob(jobId, chunkCount);
    const missing = Array.from({ length: chunkCount }, (_, i) => i).filter((i) => stored[i]?.index !== i);
    if (missing.length > 0 || stored.length !== chunkCount) {
      throw permanent(JOB_ERROR_CODES.internal, `chunk transcripts missing for chunks ${missing.join(', ')}`);
    }
    const { segments, words } = mergeChunks(stored);
    const resolvedLanguage = language ?? dominantLanguage(stored) ?? 'en';
    const providers = [...new Set(stored.map((c) => c.provider))];
    const simulated = stored.some((c) => c.simulated);
    const durationS = round(stored.reduce((sum, c) => sum + c.durationS, 0));
    await store.save({
      jobId,
      tenantId,
      kind: 'original',
      language: resolvedLanguage,
      text: segments.map((s) => s.text).join(' '),
      segments,
      words,
      durationS,
      providers,
      simulated,
    });
    return {
      merged: {
        language: resolvedLanguage,
        durationS,
        segments: segments.length,
        words: words.length,
        providers,
        simulated,
      },
      chunks: stored,
    };
  };
}
