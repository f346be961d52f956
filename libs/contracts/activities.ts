/**
 * The activities' contract: what workflows may call on the worker, with their inputs and results. Workflows
 * import only this (and the other contracts); `activities/` implements it. Payloads are JSON, so dates travel
 * as ISO strings.
 */
import type {
  ChunkProgress,
  JobError,
  JobSourceRecord,
  JobStage,
  JobStatus,
  JobTimings,
  ProviderUsage,
  SttProviderName,
  TranslationProviderName,
} from './job';

/** Each step's time in milliseconds, for the job's timings (an activity may run several steps). */
export type StepTimes = Partial<Record<JobStage, number>>;

/** What a workflow may change on its job record (the repository's JobPatch, with dates as strings). */
export interface JobRecordPatch {
  status?: JobStatus;
  stage?: JobStage;
  progress?: ChunkProgress;
  error?: JobError;
  detectedLanguage?: string;
  providersUsed?: SttProviderName[];
  durationS?: number;
  timings?: JobTimings;
  usage?: ProviderUsage[];
  simulated?: boolean;
  source?: JobSourceRecord;
  startedAt?: string;
  finishedAt?: string;
}

export interface RecordJobInput {
  jobId: string;
  patch: JobRecordPatch;
}

export interface PrepareChunksInput {
  jobId: string;
  storageKey: string;
  parallelism: number;
  maxChunkS: number;
  minChunkS: number;
}

export interface AudioChunk {
  index: number;
  storageKey: string;
  /** Where the chunk starts in the recording, in seconds. */
  offsetS: number;
  durationS: number;
  bytes: number;
}

export interface PreparedChunks {
  durationS: number;
  chunks: AudioChunk[];
}

export interface DownloadedSource {
  storageKey: string;
  bytes: number;
  contentType?: string;
}

export interface DownloadAndPrepareInput extends Omit<PrepareChunksInput, 'storageKey'> {
  url: string;
  /** A larger source is only downloaded: chunking it here would mean downloading it again on a retry. */
  prepareUpToBytes: number;
}

export interface DownloadedAndPrepared {
  download: DownloadedSource;
  /** Absent when the source was too large to chunk in the same activity. */
  prepared?: PreparedChunks;
  stepMs: StepTimes;
}

export interface TranscribeChunkInput {
  jobId: string;
  chunk: AudioChunk;
  provider: SttProviderName;
  language?: string;
}

export interface TranscribedChunk {
  index: number;
  provider: string;
  /** True when an earlier attempt had already stored this chunk: no provider call was made. */
  reused: boolean;
  audioSeconds: number;
  simulated: boolean;
}

export interface MergeTranscriptInput {
  jobId: string;
  tenantId: string;
  chunkCount: number;
  /** The language the job asked for; undefined means detected. */
  language?: string;
}

export interface MergedTranscript {
  language: string;
  durationS: number;
  segments: number;
  words: number;
  providers: string[];
  simulated: boolean;
}

export interface MergeAndStoreInput extends MergeTranscriptInput {
  translateTo: string[];
}

export interface StoredJobResults {
  usage: ProviderUsage[];
  providersUsed: SttProviderName[];
  simulated: boolean;
}

export interface MergedAndStored {
  merged: MergedTranscript;
  /** Absent when translations are due: they come between merging and storing. */
  stored?: StoredJobResults;
  stepMs: StepTimes;
}

export interface TranslateTranscriptInput {
  jobId: string;
  tenantId: string;
  sourceLanguage: string;
  targetLanguage: string;
  provider: TranslationProviderName;
}

export interface TranslatedTranscript {
  language: string;
  segments: number;
  simulated: boolean;
}

export interface StoreJobResultsInput {
  jobId: string;
  languages: string[];
  chunkCount: number;
}

export type WebhookEventType = 'job.completed' | 'job.failed' | 'job.cancelled';

export interface DeliverWebhookInput {
  /** The `webhook-id`: stable per event, reused by every retry. */
  eventId: string;
  jobId: string;
  tenantId: string;
  type: WebhookEventType;
  url: string;
  /** Attempts made before this one's retry policy began (the job workflow's own first attempt). */
  attemptsBefore?: number;
  /** The job's retention is `none`: once delivered, its media and transcripts are removed. */
  removeContentWhenDelivered?: boolean;
}

export interface WebhookDelivered {
  attempt: number;
  statusCode: number;
}

export interface WorkerDescription {
  hostname: string;
  pid: number;
  taskQueue: string;
  node: string;
  /** First line of `ffmpeg -version`, or null when ffmpeg is missing on this worker. */
  ffmpeg: string | null;
}

/** Every activity the worker registers. Retention tasks return how many items they removed or started. */
export interface Activities {
  describeWorker(): Promise<WorkerDescription>;
  recordJob(input: RecordJobInput): Promise<void>;
  downloadAndPrepare(input: DownloadAndPrepareInput): Promise<DownloadedAndPrepared>;
  prepareChunks(input: PrepareChunksInput): Promise<PreparedChunks>;
  transcribeChunk(input: TranscribeChunkInput): Promise<TranscribedChunk>;
  mergeAndStore(input: MergeAndStoreInput): Promise<MergedAndStored>;
  translateTranscript(input: TranslateTranscriptInput): Promise<TranslatedTranscript>;
  storeJobResults(input: StoreJobResultsInput): Promise<StoredJobResults>;
  removeIntermediates(input: { jobId: string }): Promise<void>;
  removeDeliveredContent(input: { jobId: string }): Promise<void>;
  deliverWebhook(input: DeliverWebhookInput): Promise<WebhookDelivered>;
  removeExpiredMedia(): Promise<number>;
  removeExpiredTranscripts(): Promise<number>;
  removeExpiredChunks(): Promise<number>;
  removeExpiredWebhookDeliveries(): Promise<number>;
  removeExpiredJobs(): Promise<number>;
  removeExpiredLiveTranscripts(): Promise<number>;
  endAbandonedLiveSessions(): Promise<number>;
  removeExpiredIdempotencyKeys(): Promise<number>;
  restartStrandedJobs(): Promise<number>;
}
