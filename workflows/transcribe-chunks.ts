import { CancellationScope, isCancellation, log, proxyActivities } from '@temporalio/workflow';
import type { Activities, AudioChunk, TranscribedChunk } from '../libs/contracts/activities';
import type { SttProviderName, TranscriptionJobInput } from '../libs/contracts/job';
import { PIPELINE } from '../libs/contracts/pipeline';
import { PROVIDER_CALL, PROVIDER_CALL_LAST_RESORT } from './activity-profiles';
import { isProviderFailure, toJobError } from './job-failure';

type ProviderCall = Pick<Activities, 'transcribeChunk'>;
/** A few quick attempts while another provider can take over. */
const providerCall = proxyActivities<ProviderCall>(PROVIDER_CALL);
/** The last provider left: worth riding out a longer outage. */
const lastResortCall = proxyActivities<ProviderCall>(PROVIDER_CALL_LAST_RESORT);

/**
 * Transcribes every chunk, at most PIPELINE.parallelChunks at once, each with the job's provider and then its
 * fallbacks in order. A provider that failed for good on one chunk is skipped for the chunks after it. The
 * first chunk that no provider could do stops the rest.
 */
export async function transcribeChunks(
  input: Pick<TranscriptionJobInput, 'jobId' | 'language' | 'provider' | 'fallbackProviders'>,
  chunks: AudioChunk[],
  onChunkDone: () => void,
): Promise<TranscribedChunk[]> {
  const providers = [...new Set([input.provider, ...input.fallbackProviders])];
  const providersDown = new Set<SttProviderName>();

  async function transcribe(chunk: AudioChunk): Promise<TranscribedChunk> {
    const candidates = providers.filter((provider) => !providersDown.has(provider));
    const order = candidates.length > 0 ? candidates : providers.slice(-1);
    for (const [i, provider] of order.entries()) {
      const next = order[i + 1];
      const call = next ? providerCall : lastResortCall;
      try {
        return await call.transcribeChunk({ jobId: input.jobId, chunk, provider, language: input.language });
      } catch (error) {
        if (isCancellation(error) || !isProviderFailure(error) || !next) throw error;
        providersDown.add(provider);
        log.warn('chunk falls back to the next provider', {
          chunk: chunk.index,
          from: provider,
          to: next,
          reason: toJobError(error).message,
        });
      }
    }
    throw new Error('no provider configured');
  }

  const results: TranscribedChunk[] = [];
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < chunks.length) {
      const chunk = chunks[next++]!;
      results[chunk.index] = await transcribe(chunk);
      onChunkDone();
    }
  };
  const scope = new CancellationScope();
  try {
    await scope.run(() => Promise.all(Array.from({ length: Math.min(PIPELINE.parallelChunks, chunks.length) }, lane)));
  } catch (error) {
    failed = true;
    scope.cancel();
    throw error;
  }
  return results;
}
