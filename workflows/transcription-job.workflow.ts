import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type {
  Activities,
  AudioChunk,
  DeliverWebhookInput,
  DownloadedSource,
  MergedTranscript,
  PreparedChunks,
  StoredJobResults,
  TranscribedChunk,
  WebhookEventType,
} from '../activities';
import type {
  JobProgress,
  JobStage,
  JobStatus,
  SttProviderName,
  TranscriptionJobInput,
  TranscriptionJobResult,
} from '../libs/contracts/job';
import { PIPELINE, translationTargets } from '../libs/contracts/pipeline';
import { SEARCH_ATTRIBUTES } from '../libs/contracts/temporal';
import {
  MEDIA_WORK,
  PROVIDER_CALL,
  PROVIDER_CALL_LAST_RESORT,
  SHORT_IO,
  SHORT_IO_LOCAL,
  TRANSCRIPT_WORK,
  WEBHOOK_FIRST_ATTEMPT,
} from './activity-profiles';
import { progressQuery } from './definitions';
import { isProviderFailure, toJobError } from './job-failure';
import { JobRecorder } from './job-recorder';
import { deliveryEndedFor, webhookDelivery } from './webhook-delivery.workflow';
import { nowIso, nowMs } from './workflow-clock';

/**
 * Jobs started before this patch probe in an activity of its own, write their record at every change, record
 * an empty translating stage, hand every webhook to a child workflow and upsert their final search attributes
 * one by one. Newer jobs probe while chunking, write their record once per stage, make the first webhook
 * attempt themselves and upsert once.
 */
const FEWER_TASKS_PATCH = 'fewer-tasks-per-job';

/**
 * Jobs started before this patch download and chunk in two activities, and merge and store in two. Newer jobs
 * chunk a small download in the download's activity, and store in the merge's activity when nothing is left
 * to translate: two workflow tasks and two activity tasks less for a short job.
 */
const COMBINED_STEPS_PATCH = 'combined-steps';

const io = proxyActivities<Activities>(SHORT_IO);
const localIo = proxyLocalActivities<Activities>(SHORT_IO_LOCAL);
const webhookFirstAttempt = proxyLocalActivities<Activities>(WEBHOOK_FIRST_ATTEMPT);
const transcriptWork = proxyActivities<Activities>(TRANSCRIPT_WORK);
const media = proxyActivities<Activities>(MEDIA_WORK);
const providerCall = proxyActivities<Activities>(PROVIDER_CALL);
const lastResortCall = proxyActivities<Activities>(PROVIDER_CALL_LAST_RESORT);

/** Where each stage starts on the 0–100 progress scale; transcription takes the widest band. */
const STAGE_PERCENT: Record<JobStage, number> = {
  queued: 0,
  downloading: 2,
  probing: 10,
  chunking: 12,
  transcribing: 20,
  merging: 85,
  translating: 88,
  storing: 97,
  done: 100,
};

/**
 * One transcription job (workflow id = job id): download → probe → chunk → transcribe chunks in parallel
 * (with provider fallback) → merge → translate → store → webhook. Arguments and results carry ids and
 * storage keys only; media and transcripts stay in storage and MongoDB.
 */
export async function transcriptionJob(input: TranscriptionJobInput): Promise<TranscriptionJobResult> {
  const { jobId } = input;
  // Jobs started before the job record was written by local activities keep replaying as they ran, and so do
  // jobs started before it was written once per stage.
  const recorder = new JobRecorder(
    jobId,
    patched('job-record-local-activity') ? localIo.recordJob : io.recordJob,
    patched(FEWER_TASKS_PATCH) ? 'when-sent' : 'each-record',
  );
  const progress: JobProgress = { status: 'processing', stage: 'queued', percent: 0, chunksDone: 0, chunksTotal: 0 };
  const timings: Record<string, number> = {};
  const started = nowMs();
  setHandler(progressQuery, () => ({ ...progress }));

  const recordProgress = () =>
    recorder.record({
      stage: progress.stage,
      progress: { percent: progress.percent, chunksDone: progress.chunksDone, chunksTotal: progress.chunksTotal },
    });

  const setStatus = (status: JobStatus, alongside: SearchAttributeUpdatePair[] = []) => {
    progress.status = status;
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: status }, ...alongside]);
  };

  /**
   * Runs one stage. A combined activity's stage names its later steps' own times (`laterSteps`); the stage's
   * first step keeps the rest, the queue wait included, as it would as a step of its own. (Results recorded
   * before `laterStepMs` existed carry none: the whole stage is then its first step's.)
   */
  async function stage<T>(
    name: JobStage,
    work: () => Promise<T>,
    laterSteps?: (result: T) => Partial<Record<JobStage, number>>,
  ): Promise<T> {
    progress.stage = name;
    progress.percent = STAGE_PERCENT[name];
    recordProgress();
    recorder.send();
    const stageStarted = nowMs();
    let later: Partial<Record<JobStage, number>> = {};
    try {
      const result = await work();
      later = laterSteps?.(result) ?? {};
      return result;
    } finally {
      const spent: Record<string, number> = { [name]: nowMs() - stageStarted };
      for (const [step, ms] of Object.entries(later)) {
        if (ms === undefined) continue;
        spent[step] = ms;
        spent[name]! -= ms;
      }
      Object.assign(timings, spent);
      recorder.record({ timings: spent });
    }
  }

  async function notify(type: WebhookEventType): Promise<void> {
    if (!input.webhookUrl) return;
    const outcome = type.split('.')[1]!;
    const event = { eventId: `evt_${jobId}_${outcome}`, jobId, tenantId: input.tenantId, type, url: input.webhookUrl };
    const deliverInChild = (delivery: DeliverWebhookInput) =>
      startChild(webhookDelivery, {
        workflowId: `${jobId}-webhook-${outcome}`,
        taskQueue: workflowInfo().taskQueue,
        parentClosePolicy: ParentClosePolicy.ABANDON,
        args: [delivery],
      });
    if (!patched(FEWER_TASKS_PATCH)) {
      await deliverInChild(event);
      return;
    }
    try {
      await webhookFirstAttempt.deliverWebhook(event);
    } catch (error) {
      const reason = deliveryEndedFor(error);
      if (reason === undefined) await deliverInChild({ ...event, attemptsBefore: 1 });
      else log.warn('webhook not delivered', { eventId: event.eventId, reason });
    }
  }

  /** Providers that failed for good on an earlier chunk of this job; later chunks skip them. */
  const providersDown = new Set<SttProviderName>();

  async function transcribeWithFallback(chunk: AudioChunk, providers: SttProviderName[]): Promise<TranscribedChunk> {
    const candidates = providers.filter((p) => !providersDown.has(p));
    const order = candidates.length > 0 ? candidates : providers.slice(-1);
    for (const [i, provider] of order.entries()) {
      const next = order[i + 1];
      const call = next ? providerCall : lastResortCall;
      try {
        return await call.transcribeChunk({ jobId, chunk, provider, language: input.language });
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

  /** At most PIPELINE.parallelChunks chunks in flight; the first unrecoverable chunk stops the rest. */
  async function transcribeAll(chunks: AudioChunk[]): Promise<TranscribedChunk[]> {
    const providers = [...new Set([input.provider, ...input.fallbackProviders])];
    const results: TranscribedChunk[] = [];
    let next = 0;
    let failed = false;
    const lane = async () => {
      while (!failed && next < chunks.length) {
        const chunk = chunks[next++]!;
        results[chunk.index] = await transcribeWithFallback(chunk, providers);
        progress.chunksDone++;
        progress.percent = Math.floor(
          STAGE_PERCENT.transcribing +
            ((STAGE_PERCENT.merging - STAGE_PERCENT.transcribing) * progress.chunksDone) / chunks.length,
        );
        recordProgress();
        // The last chunk's count goes out with the merging stage, a moment later.
        if (progress.chunksDone < chunks.length) recorder.send();
      }
    };
    const scope = new CancellationScope();
    try {
      await scope.run(() =>
        Promise.all(Array.from({ length: Math.min(PIPELINE.parallelChunks, chunks.length) }, lane)),
      );
    } catch (error) {
      failed = true;
      scope.cancel();
      throw error;
    }
    return results;
  }

  setStatus('processing');
  recorder.record({ status: 'processing', startedAt: nowIso() });
  try {
    const chunkPlan = {
      jobId,
      parallelism: PIPELINE.parallelChunks,
      maxChunkS: PIPELINE.maxChunkS,
      minChunkS: PIPELINE.minChunkS,
    };
    let storageKey: string;
    let prepared: PreparedChunks | undefined;
    if (input.source.kind === 'url') {
      const url = input.source.url;
      let downloaded: DownloadedSource;
      if (patched(COMBINED_STEPS_PATCH)) {
        const combined = await stage(
          'downloading',
          () => media.downloadAndPrepare({ ...chunkPlan, url, prepareUpToBytes: PIPELINE.prepareWithDownloadMaxBytes }),
          (result) => result.laterStepMs,
        );
        ({ download: downloaded, prepared } = combined);
      } else {
        downloaded = await stage('downloading', () => media.downloadSource({ jobId, url }));
      }
      storageKey = downloaded.storageKey;
      recorder.record({
        source: { kind: 'url', url, storageKey, bytes: downloaded.bytes, contentType: downloaded.contentType },
      });
    } else {
      storageKey = input.source.storageKey;
    }
    if (!patched(FEWER_TASKS_PATCH)) await stage('probing', () => media.probeSource({ jobId, storageKey }));
    prepared ??= await stage('chunking', () => media.prepareChunks({ ...chunkPlan, storageKey }));
    progress.chunksTotal = prepared.chunks.length;
    recorder.record({ durationS: prepared.durationS });

    await stage('transcribing', () => transcribeAll(prepared.chunks));
    const chunkCount = prepared.chunks.length;
    const mergeInput = { jobId, tenantId: input.tenantId, chunkCount, language: input.language };
    let merged: MergedTranscript;
    let stored: StoredJobResults | undefined;
    if (patched(COMBINED_STEPS_PATCH)) {
      const combined = await stage(
        'merging',
        () => transcriptWork.mergeAndStore({ ...mergeInput, translateTo: input.translateTo }),
        (result) => result.laterStepMs,
      );
      ({ merged, stored } = combined);
    } else {
      merged = await stage('merging', () => transcriptWork.mergeTranscript(mergeInput));
    }
    recorder.record({ detectedLanguage: merged.language });

    const targets = translationTargets(input.translateTo, merged.language);
    if (targets.length > 0 || !patched(FEWER_TASKS_PATCH)) {
      await stage('translating', () =>
        Promise.all(
          targets.map((targetLanguage) =>
            lastResortCall.translateTranscript({
              jobId,
              tenantId: input.tenantId,
              sourceLanguage: merged.language,
              targetLanguage,
              provider: input.translationProvider,
            }),
          ),
        ),
      );
    }
    stored ??= await stage('storing', () =>
      transcriptWork.storeJobResults({ jobId, languages: [merged.language, ...targets], chunkCount }),
    );

    progress.stage = 'done';
    progress.percent = 100;
    timings.total = nowMs() - started;
    recorder.record({
      status: 'completed',
      stage: 'done',
      progress: { percent: 100, chunksDone: progress.chunksDone, chunksTotal: progress.chunksTotal },
      usage: stored.usage,
      providersUsed: stored.providersUsed,
      simulated: stored.simulated,
      timings: { total: timings.total },
      finishedAt: nowIso(),
    });
    await recorder.drain();
    const providerAttribute =
      stored.providersUsed.length > 0
        ? [{ key: SEARCH_ATTRIBUTES.provider, value: stored.providersUsed.join(',') }]
        : [];
    if (patched(FEWER_TASKS_PATCH)) {
      setStatus('completed', providerAttribute);
    } else {
      setStatus('completed');
      if (providerAttribute.length > 0) upsertSearchAttributes(providerAttribute);
    }
    // A cancel arriving now must not turn a completed job into a cancelled one.
    await CancellationScope.nonCancellable(() => notify('job.completed'));
    return {
      status: 'completed',
      durationS: merged.durationS,
      language: merged.language,
      chunks: chunkCount,
      providersUsed: stored.providersUsed,
      translations: targets,
    };
  } catch (error) {
    const cancelled = isCancellation(error);
    const jobError = cancelled ? undefined : toJobError(error);
    // Cleanup and the final record must happen even though this scope may be cancelled.
    await CancellationScope.nonCancellable(async () => {
      await io.removeWorkFiles({ jobId });
      recorder.record({
        status: cancelled ? 'cancelled' : 'failed',
        ...(jobError ? { error: jobError } : {}),
        timings: { total: nowMs() - started },
        finishedAt: nowIso(),
      });
      await recorder.drain();
      setStatus(cancelled ? 'cancelled' : 'failed');
      await notify(cancelled ? 'job.cancelled' : 'job.failed');
    });
    if (cancelled) throw error;
    throw ApplicationFailure.create({ type: jobError!.code, message: jobError!.message, nonRetryable: true });
  }
}
