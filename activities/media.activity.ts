import { Context } from '@temporalio/activity';
import { mkdir } from 'node:fs/promises';
import { planChunks } from '../libs/media/chunk-plan';
import { normalizeAudio } from '../libs/media/normalize-audio';
import { readWavLayout, writeWavSlice } from '../libs/media/wav';
import { jobKeys } from '../libs/storage/local-storage';
import type { AudioChunk, PreparedChunks, PrepareChunksInput } from '../libs/contracts/activities';
import type { ActivityDeps } from './activity-deps';
import { classify } from './failures';
import { keepHeartbeating } from './heartbeat';

/** ffmpeg (and ffprobe for a file it cannot use): 16 kHz mono chunks cut at silences. */
export function createMediaActivities({ storage, config }: Pick<ActivityDeps, 'storage' | 'config'>) {
  return {
    /** Normalizes once, then slices at exact sample offsets. Re-running overwrites the same files. */
    async prepareChunks(input: PrepareChunksInput): Promise<PreparedChunks> {
      const { cancellationSignal: signal } = Context.current();
      let phase: Record<string, unknown> = { phase: 'normalize' };
      const stopHeartbeat = keepHeartbeating(() => phase);
      try {
        const normalizedKey = jobKeys.normalized(input.jobId);
        const normalizedPath = storage.path(normalizedKey);
        await mkdir(storage.path(jobKeys.work(input.jobId)), { recursive: true });
        const { silences } = await normalizeAudio(storage.path(input.storageKey), normalizedPath, {
          tools: config.media,
          signal,
          onProgress: (seconds) => (phase = { phase: 'normalize', seconds }),
        });
        const layout = await readWavLayout(normalizedPath);
        const plan = planChunks(layout.durationS, silences, input);
        const chunks: AudioChunk[] = [];
        for (const planned of plan) {
          const key = jobKeys.chunk(input.jobId, planned.index);
          const slice = await writeWavSlice(
            normalizedPath,
            layout,
            planned.startS,
            planned.endS,
            storage.path(key),
            signal,
          );
          chunks.push({
            index: planned.index,
            storageKey: key,
            offsetS: slice.startS,
            durationS: slice.durationS,
            bytes: slice.bytes,
          });
          phase = { phase: 'slice', chunk: planned.index };
        }
        await storage.remove(normalizedKey);
        return { durationS: layout.durationS, chunks };
      } catch (error) {
        throw classify(error);
      } finally {
        stopHeartbeat();
      }
    },
  };
}
