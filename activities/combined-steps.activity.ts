import { translationTargets } from '../libs/contracts/pipeline';
import type {
  DownloadAndPrepareInput,
  DownloadedAndPrepared,
  MergeAndStoreInput,
  MergedAndStored,
} from '../libs/contracts/activities';
import type { ActivityDeps } from './activity-deps';
import { createSourceDownloader } from './download.activity';
import { createMediaActivities } from './media.activity';
import { keepHeartbeating } from './heartbeat';
import { createTranscriptMerger } from './merge.activity';
import { usageOf } from './store.activity';

/**
 * Two pairs of neighbouring steps as one activity each, for the common case: a short source, no translation.
 * Every activity costs a round trip through the task queue and a workflow task, which for a short job is
 * more than the work itself. The steps keep their own code and errors, and the pairs share a retry profile
 * (media work, transcript work), so a retry repeats a step that is idempotent and cheap.
 */
export function createCombinedStepActivities(deps: ActivityDeps) {
  const downloadSource = createSourceDownloader(deps);
  const media = createMediaActivities(deps);
  const merge = createTranscriptMerger(deps);
  return {
    async downloadAndPrepare({
      url,
      prepareUpToBytes,
      ...plan
    }: DownloadAndPrepareInput): Promise<DownloadedAndPrepared> {
      const started = Date.now();
      const source = await downloadSource({ jobId: plan.jobId, url });
      const downloaded = Date.now();
      if (source.bytes > prepareUpToBytes) return { download: source, stepMs: { downloading: downloaded - started } };
      const prepared = await media.prepareChunks({ ...plan, storageKey: source.storageKey });
      return {
        download: source,
        prepared,
        stepMs: { downloading: downloaded - started, chunking: Date.now() - downloaded },
      };
    },

    /** Storing reads nothing again: usage comes from the chunks the merge read, which just saved the original. */
    async mergeAndStore({ translateTo, ...input }: MergeAndStoreInput): Promise<MergedAndStored> {
      const stopHeartbeat = keepHeartbeating();
      try {
        const started = Date.now();
        const { merged, chunks } = await merge(input);
        const mergedAt = Date.now();
        if (translationTargets(translateTo, merged.language).length > 0) {
          return { merged, stepMs: { merging: mergedAt - started } };
        }
        const stored = usageOf(chunks);
        return { merged, stored, stepMs: { merging: mergedAt - started, storing: Date.now() - mergedAt } };
      } finally {
        stopHeartbeat();
      }
    },
  };
}
