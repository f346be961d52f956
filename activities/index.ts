import type { ActivityDeps } from './activity-deps';
import { createCombinedStepActivities } from './combined-steps.activity';
import { createJobRecordActivities } from './job-record.activity';
import { createMediaActivities } from './media.activity';
import { createRetentionActivities } from './retention.activity';
import { createStoreActivities } from './store.activity';
import { createTranscribeActivities } from './transcribe.activity';
import { createTranslateActivities } from './translate.activity';
import { createWebhookActivities } from './webhook.activity';
import { createWorkerInfoActivities } from './worker-info.activity';

export type { ActivityDeps } from './activity-deps';
export type {
  DownloadAndPrepareInput,
  DownloadedAndPrepared,
  MergeAndStoreInput,
  MergedAndStored,
} from './combined-steps.activity';
export type { DownloadedSource, DownloadSourceInput } from './download.activity';
export type { JobRecordPatch, RecordJobInput } from './job-record.activity';
export type { AudioChunk, PreparedChunks, PrepareChunksInput } from './media.activity';
export type { MergedTranscript, MergeTranscriptInput } from './merge.activity';
export type { StoredJobResults, StoreJobResultsInput } from './store.activity';
export type { TranscribeChunkInput, TranscribedChunk } from './transcribe.activity';
export type { TranslatedTranscript, TranslateTranscriptInput } from './translate.activity';
export type { DeliverWebhookInput, WebhookDelivered, WebhookEventType } from './webhook.activity';
export type { WorkerDescription } from './worker-info.activity';

/** Builds the activity implementations registered on the worker. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createWorkerInfoActivities(deps),
    ...createJobRecordActivities(deps),
    ...createMediaActivities(deps),
    ...createTranscribeActivities(deps),
    ...createTranslateActivities(deps),
    ...createStoreActivities(deps),
    ...createCombinedStepActivities(deps),
    ...createWebhookActivities(deps),
    ...createRetentionActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
