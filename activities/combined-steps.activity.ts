import type { JobStage } from '../libs/contracts/job';
import { translationTargets } from '../libs/contracts/pipeline';
import type { ActivityDeps } from './activity-deps';
import { createDownloadActivities, type DownloadedSource } from './download.activity';
import { createMediaActivities, type PreparedChunks, type PrepareChunksInput } from './media.activity';
import { createMergeActivities, type MergedTranscript, type MergeTranscriptInput } from './merge.activity';
import { createStoreActivities, type StoredJobResults } from './store.activity';

export interface DownloadAndPrepareInput extends Omit<PrepareChunksInput, 'storageKey'> {
  url: string;
  /** A larger source is only downloaded: chunking it here would mean downloading it again on a retry. */
  prepareUpToBytes: number;
}

export interface DownloadedAndPrepared {
  download: DownloadedSource;
  /** Absent when the source was too large to chunk in the same activity. */
  prepared?: PreparedChunks;
  /** Each step's own time, for the job's timings. */
  stepMs: Partial<Record<JobStage, number>>;
}

export interface MergeAndStoreInput extends MergeTranscriptInput {
  chunkCount: number;
  translateTo: string[];
}

export interface MergedAndStored {
  merged: MergedTranscript;
  /** Absent when translations are due: they come between merging and storing. */
  stored?: StoredJobResults;
  stepMs: Partial<Record<JobStage, number>>;
}

/**
 * Two pairs of neighbouring steps as one activity each, for the common case: a short source, no translation.
 * Every activity costs a round trip through the task queue and a workflow task, which for a short job is
 * more than the work itself. The steps keep their own code and errors, and the pairs share a retry profile
 * (media work, transcript work), so a retry repeats a step that is idempotent and cheap.
 */
export function createCombinedStepActivities(deps: ActivityDeps) {
  const download = createDownloadActivities(deps);
  const media = createMediaActivities(deps);
  const merge = createMergeActivities(deps);
  const store = createStoreActivities(deps);
  return {
    async downloadAndPrepare({
      url,
      prepareUpToBytes,
      ...plan
    }: DownloadAndPrepareInput): Promise<DownloadedAndPrepared> {
      const started = Date.now();
      const source = await download.downloadSource({ jobId: plan.jobId, url });
      const downloaded = Date.now();
      if (source.bytes > prepareUpToBytes) return { download: source, stepMs: { downloading: downloaded - started } };
      const prepared = await media.prepareChunks({ ...plan, storageKey: source.storageKey });
      return {
        download: source,
        prepared,
        stepMs: { downloading: downloaded - started, chunking: Date.now() - downloaded },
      };
    },

    async mergeAndStore({ translateTo, ...input }: MergeAndStoreInput): Promise<MergedAndStored> {
      const started = Date.now();
      const merged = await merge.mergeTranscript(input);
      const mergedAt = Date.now();
      if (translationTargets(translateTo, merged.language).length > 0) {
        return { merged, stepMs: { merging: mergedAt - started } };
      }
      const stored = await store.storeJobResults({
        jobId: input.jobId,
        languages: [merged.language],
        chunkCount: input.chunkCount,
      });
      return { merged, stored, stepMs: { merging: mergedAt - started, storing: Date.now() - mergedAt } };
    },
  };
}
