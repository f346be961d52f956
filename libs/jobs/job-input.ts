import type { TranscriptionJobInput } from '../contracts/job';
import type { JobDocument } from '../db/job.schema';

/**
 * The workflow input a stored job was created with (the inverse of newJobRecord). Records may hold null
 * where the input had undefined (MongoDB stores both the same way), hence the `?? undefined`.
 */
export function jobInputFromRecord(job: JobDocument): TranscriptionJobInput {
  return {
    jobId: job._id,
    tenantId: job.tenantId,
    source:
      job.source.kind === 'url'
        ? { kind: 'url', url: job.source.url! }
        : { kind: 'upload', storageKey: job.source.storageKey!, filename: job.source.filename ?? undefined },
    language: job.language ?? undefined,
    provider: job.provider,
    fallbackProviders: job.fallbackProviders,
    translateTo: job.translateTo,
    translationProvider: job.translationProvider,
    webhookUrl: job.webhookUrl ?? undefined,
    priority: job.priority,
  };
}
