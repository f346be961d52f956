import type { TranscriptionJobInput } from '../contracts/job';
import type { NewJob } from '../db/jobs.repository';

/** The record a job starts with (status queued), from the same input its workflow receives. */
export function newJobRecord(
  input: TranscriptionJobInput,
  extras: { metadata?: Record<string, unknown>; filename?: string; bytes?: number } = {},
): NewJob {
  return {
    _id: input.jobId,
    tenantId: input.tenantId,
    status: 'queued',
    stage: 'queued',
    progress: { percent: 0, chunksDone: 0, chunksTotal: 0 },
    source:
      input.source.kind === 'url'
        ? { kind: 'url', url: input.source.url }
        : { kind: 'upload', storageKey: input.source.storageKey, filename: extras.filename, bytes: extras.bytes },
    language: input.language,
    provider: input.provider,
    fallbackProviders: input.fallbackProviders,
    providersUsed: [],
    translateTo: input.translateTo,
    translationProvider: input.translationProvider,
    webhookUrl: input.webhookUrl,
    metadata: extras.metadata,
    priority: input.priority,
    retention: input.retention ?? 'default',
    timings: {},
    usage: [],
  };
}
