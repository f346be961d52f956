import type { JobStage } from '../libs/contracts/job';
import { translationTargets } from '../libs/contracts/pipeline';
import type { ActivityDeps } from './activity-deps';
import { createDownloadActivities, type DownloadedSource } from './download.activity';
import { createMediaActivities, type PreparedChunks, type PrepareChunksInput } from './media.activity';
import { keepHeartbeating } from './heartbeat';
import { createTranscriptMerger, type MergedTranscript, type MergeTranscriptInput } from './merge.activity';
import { finishStoring, type StoredJobResults } from './store.activity';

export interface DownloadAndPrepareInput extends Omit<PrepareChunksInput, 'storageKey'> {
  url: string;
  /** A larger source is only downloaded: chunking it here would mean downloading it again on a retry. */
  prepareUpToBytes: number;
}

export interface DownloadedAndPrepared {
  download: DownloadedSource;
  /** Absent when the source was too large to chunk in the same activity. */
  prepared?: PreparedChunks;
  /** The time of each step after the first (the stage keeps the rest), for the job's timings. */
  laterStepMs: Partial<Record<JobStage, number>>;
}

export interface MergeAndStoreInput extends MergeTranscriptInput {
  chunkCount: number;
  translateTo: string[];
}

export interface MergedAndStored {
  merged: MergedTranscript;
  /** Absent when translations are due: they come between merging and storing. */
  stored?: StoredJobResults;
  laterStepMs: Partial<Record<JobStage, number>>;
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
  const merge = createTranscriptMerger(deps);
  return {
    async downloadAndPrepare({
      url,
      prepareUpToBytes,
      ...plan
    }: DownloadAndPrepareInput): Promise<DownloadedAndPrepared> {
      const source = await download.downloadSource({ jobId: plan.jobId, url });
      if (source.bytes > prepareUpToBytes) return { download: source, laterStepMs: {} };
      const chunkingStarted = Date.now();
      const prepared = await media.prepareChunks({ ...plan, storageKey: source.storageKey });
      return { download: source, prepared, laterStepMs: { chunking: Date.now() - chunkingStarted } };
    },

    /** Storing reads nothing again: usage comes from the chunks the merge read, which just saved the original. */
    async mergeAndStore({ translateTo, ...input }: MergeAndStoreInput): Promise<MergedAndStored> {
      const stopHeartbeat = keepHeartbeating();
      try {
        const { merged, chunks } = await merge(input);
        if (translationTargets(translateTo, merged.language).length > 0) return { merged, laterStepMs: {} };
        const mergedAt = Date.now();
        const stored = await finishStoring(deps.storage, input.jobId, chunks);
        return { merged, stored, laterStepMs: { storing: Date.now() - mergedAt } };
      } finally {
        stopHeartbeat();
      }
    },
  };
}
