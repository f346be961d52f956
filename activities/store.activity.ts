import { JOB_ERROR_CODES, type ProviderUsage, type SttProviderName } from '../libs/contracts/job';
import type { JobChunkDocument } from '../libs/db/job-chunk.schema';
import type { StoredJobResults, StoreJobResultsInput } from '../libs/contracts/activities';
import type { ActivityDeps } from './activity-deps';
import { permanent } from './failures';
import { keepHeartbeating } from './heartbeat';

/**
 * Confirms every transcript of the job is stored and sums provider usage from the chunk records (the job's
 * temporary files go as it ends: removeIntermediates). Reads only, so running it twice is harmless.
 */
export function createStoreActivities({ chunks, transcripts }: Pick<ActivityDeps, 'chunks' | 'transcripts'>) {
  return {
    async storeJobResults({ jobId, languages, chunkCount }: StoreJobResultsInput): Promise<StoredJobResults> {
      const stopHeartbeat = keepHeartbeating();
      try {
        return await store(jobId, languages, chunkCount);
      } finally {
        stopHeartbeat();
      }
    },
  };

  async function store(jobId: string, languages: string[], chunkCount: number): Promise<StoredJobResults> {
    const stored = await Promise.all(languages.map((language) => transcripts.exists(jobId, language)));
    const missing = languages.filter((_, i) => !stored[i]);
    if (missing.length > 0) throw permanent(JOB_ERROR_CODES.internal, `transcripts missing for ${missing.join(', ')}`);

    return usageOf(await chunks.listForJob(jobId, chunkCount));
  }
}

/** What the job's chunk transcriptions used, per provider, from the chunk records. */
export function usageOf(
  chunks: readonly Pick<JobChunkDocument, 'provider' | 'durationS' | 'simulated'>[],
): StoredJobResults {
  const usage = new Map<string, ProviderUsage>();
  const providersUsed: SttProviderName[] = [];
  let simulated = false;
  for (const chunk of chunks) {
    const entry = usage.get(chunk.provider) ?? { provider: chunk.provider, audioSeconds: 0, requests: 0 };
    entry.audioSeconds = Math.round((entry.audioSeconds + chunk.durationS) * 1000) / 1000;
    entry.requests++;
    usage.set(chunk.provider, entry);
    if (!providersUsed.includes(chunk.provider as SttProviderName))
      providersUsed.push(chunk.provider as SttProviderName);
    simulated ||= chunk.simulated;
  }
  return { usage: [...usage.values()], providersUsed, simulated };
}
