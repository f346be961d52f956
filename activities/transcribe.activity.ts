import { Context } from '@temporalio/activity';
import type { TranscribeChunkInput, TranscribedChunk } from '../libs/contracts/activities';
import type { ActivityDeps } from './activity-deps';
import { classify } from './failures';
import { keepHeartbeating } from './heartbeat';
import { countedProviderCall } from './provider-call-metrics';
import { waitingOutRateLimits } from './rate-limit-wait';

/**
 * One chunk through one provider. The result is stored before the activity completes, so a retry, a
 * crashed worker or a replayed job never pays the provider twice for the same chunk.
 */
export function createTranscribeActivities({
  providers,
  chunks,
  storage,
  metrics,
}: Pick<ActivityDeps, 'providers' | 'chunks' | 'storage' | 'metrics'>) {
  return {
    async transcribeChunk({ jobId, chunk, provider, language }: TranscribeChunkInput): Promise<TranscribedChunk> {
      const stored = await chunks.find(jobId, chunk.index);
      if (stored) {
        return {
          index: chunk.index,
          provider: stored.provider,
          reused: true,
          audioSeconds: stored.durationS,
          simulated: stored.simulated,
        };
      }
      const stopHeartbeat = keepHeartbeating(() => ({ chunk: chunk.index, provider }));
      try {
        const stt = providers.stt(provider);
        const result = await waitingOutRateLimits(() =>
          countedProviderCall(metrics, { provider, operation: 'transcribe' }, () =>
            stt.transcribe({
              filePath: storage.path(chunk.storageKey),
              language,
              signal: Context.current().cancellationSignal,
            }),
          ),
        );
        await chunks.save({
          jobId,
          index: chunk.index,
          offsetS: chunk.offsetS,
          durationS: chunk.durationS,
          provider,
          model: result.model,
          language: result.language,
          text: result.text,
          segments: result.segments,
          words: result.words,
          simulated: result.simulated,
        });
        return {
          index: chunk.index,
          provider,
          reused: false,
          audioSeconds: chunk.durationS,
          simulated: result.simulated,
        };
      } catch (error) {
        throw classify(error);
      } finally {
        stopHeartbeat();
      }
    },
  };
}
