import { JOB_ERROR_CODES, type SttProviderName } from '../libs/contracts/job';
import type { ProviderUsage } from '../libs/db/job.schema';
import { jobKeys } from '../libs/storage/local-storage';
import type { ActivityDeps } from './activity-deps';
import { permanent } from './failures';
import { keepHeartbeating } from './heartbeat';

export interface StoreJobResultsInput {
  jobId: string;
  languages: string[];
}

export interface StoredJobResults {
  usage: ProviderUsage[];
  providersUsed: SttProviderName[];
  simulated: boolean;
}

/**
 * Confirms every transcript of the job is stored, sums provider usage from the chunk records, and removes
 * the temporary chunk files. Reads and deletes only, so running it twice is harmless.
 */
export function createStoreActivities({
  chunks,
  transcripts,
  storage,
}: Pick<ActivityDeps, 'chunks' | 'transcripts' | 'storage'>) {
  return {
    async storeJobResults({ jobId, languages }: StoreJobResultsInput): Promise<StoredJobResults> {
      const stopHeartbeat = keepHeartbeating();
      try {
        return await store(jobId, languages);
      } finally {
        stopHeartbeat();
      }
    },
  };

  async function store(jobId: string, languages: string[]): Promise<StoredJobResults> {
    const stored = new Set((await transcripts.languages(jobId)).map((t) => t.language));
    const missing = languages.filter((language) => !stored.has(language));
    if (missing.length > 0) throw permanent(JOB_ERROR_CODES.internal, `transcripts missing for ${missing.join(', ')}`);

    const usage = new Map<string, ProviderUsage>();
    const providersUsed: SttProviderName[] = [];
    let simulated = false;
    for (const chunk of await chunks.listForJob(jobId)) {
      const entry = usage.get(chunk.provider) ?? { provider: chunk.provider, audioSeconds: 0, requests: 0 };
      entry.audioSeconds = Math.round((entry.audioSeconds + chunk.durationS) * 1000) / 1000;
      entry.requests++;
      usage.set(chunk.provider, entry);
      if (!providersUsed.includes(chunk.provider as SttProviderName))
        providersUsed.push(chunk.provider as SttProviderName);
      simulated ||= chunk.simulated;
    }
    await storage.remove(jobKeys.work(jobId));
    return { usage: [...usage.values()], providersUsed, simulated };
  }
}
