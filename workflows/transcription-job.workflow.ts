import { ApplicationFailure, CancellationScope, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { Activities, AudioChunk, PreparedChunks, StoredJobResults } from '../libs/contracts/activities';
import { PIPELINE, translationTargets } from '../libs/contracts/pipeline';
import type { TranscriptionJobInput, TranscriptionJobResult } from '../libs/contracts/job';
import { SEARCH_ATTRIBUTES } from '../libs/contracts/temporal';
import { MEDIA_WORK, PROVIDER_CALL_LAST_RESORT, SHORT_IO, TRANSCRIPT_WORK } from './activity-profiles';
import { toJobError } from './job-failure';
import { JobProgressTracker } from './job-progress';
import { notifyJobEnded } from './notify';
import { transcribeChunks } from './transcribe-chunks';

/** Long local work, heartbeating: download, ffmpeg. */
const media = proxyActivities<Pick<Activities, 'downloadAndPrepare' | 'prepareChunks'>>(MEDIA_WORK);
/** Whole transcripts read and written. */
const transcripts = proxyActivities<Pick<Activities, 'mergeAndStore' | 'storeJobResults'>>(TRANSCRIPT_WORK);
/** Translation has one provider per job: it rides out an outage. */
const translation = proxyActivities<Pick<Activities, 'translateTranscript'>>(PROVIDER_CALL_LAST_RESORT);
const cleanup = proxyActivities<Pick<Activities, 'removeIntermediates'>>(SHORT_IO);

/**
 * One transcription job (workflow id = job id): download → chunk → transcribe chunks in parallel (with
 * provider fallback) → merge → translate → store → webhook. Arguments and results carry ids and storage keys
 * only; media and transcripts stay in storage and MongoDB. A short source is chunked in its download's
 * activity, and with nothing to translate the merge's activity stores too: fewer round trips per short job.
 */
export async function transcriptionJob(input: TranscriptionJobInput): Promise<TranscriptionJobResult> {
  const { jobId, tenantId } = input;
  const job = new JobProgressTracker(jobId);
  job.begin();
  try {
    const plan = {
      jobId,
      parallelism: PIPELINE.parallelChunks,
      maxChunkS: PIPELINE.maxChunkS,
      minChunkS: PIPELINE.minChunkS,
    };
    let prepared: PreparedChunks | undefined;
    let storageKey: string;
    if (input.source.kind === 'url') {
      const { url } = input.source;
      const fetched = await job.stage(
        'downloading',
        () => media.downloadAndPrepare({ ...plan, url, prepareUpToBytes: PIPELINE.prepareWithDownloadMaxBytes }),
        (result) => result.stepMs,
      );
      ({ prepared } = fetched);
      const { download } = fetched;
      storageKey = download.storageKey;
      job.record({
        source: { kind: 'url', url, storageKey, bytes: download.bytes, contentType: download.contentType },
      });
    } else {
      storageKey = input.source.storageKey;
    }
    prepared ??= await job.stage('chunking', () => media.prepareChunks({ ...plan, storageKey }));
    const chunks: AudioChunk[] = prepared.chunks;
    job.startChunks(chunks.length);
    job.record({ durationS: prepared.durationS });

    await job.stage('transcribing', () => transcribeChunks(input, chunks, () => job.chunkDone()));
    const chunkCount = chunks.length;
    const { merged, stored: storedWithMerge } = await job.stage(
      'merging',
      () =>
        transcripts.mergeAndStore({
          jobId,
          tenantId,
          chunkCount,
          language: input.language,
          translateTo: input.translateTo,
        }),
      (result) => result.stepMs,
    );
    job.record({ detectedLanguage: merged.language });

    const targets = translationTargets(input.translateTo, merged.language);
    if (targets.length > 0) {
      await job.stage('translating', () =>
        Promise.all(
          targets.map((targetLanguage) =>
            translation.translateTranscript({
              jobId,
              tenantId,
              sourceLanguage: merged.language,
              targetLanguage,
              provider: input.translationProvider,
            }),
          ),
        ),
      );
    }
    const stored: StoredJobResults =
      storedWithMerge ??
      (await job.stage('storing', () =>
        transcripts.storeJobResults({ jobId, languages: [merged.language, ...targets], chunkCount }),
      ));

    // The usage is in hand, so the chunk results may go before the job is recorded as completed.
    await cleanup.removeIntermediates({ jobId });
    const { usage, providersUsed, simulated } = stored;
    const providerAttribute =
      providersUsed.length > 0 ? [{ key: SEARCH_ATTRIBUTES.provider, value: providersUsed.join(',') }] : [];
    await job.complete({ usage, providersUsed, simulated }, providerAttribute);
    // A cancel arriving now must not turn a completed job into a cancelled one.
    await CancellationScope.nonCancellable(() => notifyJobEnded(input, 'job.completed'));
    return {
      status: 'completed',
      durationS: merged.durationS,
      language: merged.language,
      chunks: chunkCount,
      providersUsed,
      translations: targets,
    };
  } catch (error) {
    const cancelled = isCancellation(error);
    const jobError = cancelled ? undefined : toJobError(error);
    // Cleanup and the final record must happen even though this scope may be cancelled.
    await CancellationScope.nonCancellable(async () => {
      await cleanup.removeIntermediates({ jobId });
      await job.end(cancelled ? 'cancelled' : 'failed', jobError ? { error: jobError } : {});
      await notifyJobEnded(input, cancelled ? 'job.cancelled' : 'job.failed');
    });
    if (cancelled) throw error;
    throw ApplicationFailure.create({ type: jobError!.code, message: jobError!.message, nonRetryable: true });
  }
}
