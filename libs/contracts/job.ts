/**
 * The job contract shared by the API, the worker and the workflows (so: deterministic, no Node built-ins).
 */

export const JOB_STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

/**
 * Pipeline stages in order; a job's `stage` is the one it is in (or ended in). `translating` is only seen when
 * there is a target language.
 */
export const JOB_STAGES = [
  'queued',
  'downloading',
  'chunking',
  'transcribing',
  'merging',
  'translating',
  'storing',
  'done',
] as const;
export type JobStage = (typeof JOB_STAGES)[number];

export const STT_PROVIDERS = ['openai', 'deepgram'] as const;
export type SttProviderName = (typeof STT_PROVIDERS)[number];

export const TRANSLATION_PROVIDERS = ['openai', 'deepseek'] as const;
export type TranslationProviderName = (typeof TRANSLATION_PROVIDERS)[number];

export const JOB_PRIORITIES = ['low', 'normal', 'high'] as const;
export type JobPriority = (typeof JOB_PRIORITIES)[number];

/**
 * How long a job's media and transcripts are kept: `default` follows the retention settings; `none` removes
 * them as soon as the job's final webhook is delivered (the receiver reads the transcript before it answers).
 */
export const JOB_RETENTIONS = ['default', 'none'] as const;
export type JobRetention = (typeof JOB_RETENTIONS)[number];

/** Temporal priority keys: 1 runs first, 5 last (server default 3). */
export const PRIORITY_KEY: Record<JobPriority, number> = { high: 1, normal: 3, low: 5 };

/**
 * Error codes a failed job reports, classified where they happen. Input errors fail the job at once;
 * provider errors are retried, then handed to the next fallback provider.
 */
export const JOB_ERROR_CODES = {
  sourceUnreachable: 'source_unreachable',
  sourceNotFound: 'source_not_found',
  sourceForbidden: 'source_forbidden',
  sourceTooLarge: 'source_too_large',
  unsupportedMedia: 'unsupported_media',
  mediaToolUnavailable: 'media_tool_unavailable',
  unsupportedLanguage: 'unsupported_language',
  providerAuth: 'provider_auth',
  providerRateLimited: 'provider_rate_limited',
  providerUnavailable: 'provider_unavailable',
  providerRejected: 'provider_rejected',
  translationFailed: 'translation_failed',
  storageFull: 'storage_full',
  internal: 'internal_error',
} as const;
export type JobErrorCode = (typeof JOB_ERROR_CODES)[keyof typeof JOB_ERROR_CODES];

/** Codes that mean "this provider cannot do it now": the next fallback provider may. */
export const PROVIDER_ERROR_CODES: readonly string[] = [
  JOB_ERROR_CODES.unsupportedLanguage,
  JOB_ERROR_CODES.providerAuth,
  JOB_ERROR_CODES.providerRateLimited,
  JOB_ERROR_CODES.providerUnavailable,
  JOB_ERROR_CODES.providerRejected,
];

export interface JobError {
  code: JobErrorCode;
  message: string;
}

/** The job's source as recorded: what was asked for, and once downloaded, where and how large it is. */
export interface JobSourceRecord {
  kind: 'url' | 'upload';
  url?: string;
  filename?: string;
  storageKey?: string;
  bytes?: number;
  contentType?: string;
}

/** Audio a provider transcribed for a job, and in how many requests. */
export interface ProviderUsage {
  provider: string;
  audioSeconds: number;
  requests: number;
}

export type JobSource = { kind: 'url'; url: string } | { kind: 'upload'; storageKey: string; filename?: string };

/** The workflow's argument: ids, options and storage keys only, never media or transcripts. */
export interface TranscriptionJobInput {
  jobId: string;
  tenantId: string;
  source: JobSource;
  /** ISO 639-1 code; undefined lets the provider detect it. */
  language?: string;
  provider: SttProviderName;
  fallbackProviders: SttProviderName[];
  translateTo: string[];
  translationProvider: TranslationProviderName;
  webhookUrl?: string;
  priority: JobPriority;
  /** Absent: `default`. */
  retention?: JobRetention;
}

/** How far a job's transcription is: what its record stores and its progress query adds status and stage to. */
export interface ChunkProgress {
  percent: number;
  chunksDone: number;
  chunksTotal: number;
}

/** Milliseconds spent per stage, and in all. */
export type JobTimings = Partial<Record<JobStage | 'total', number>>;

export interface JobProgress extends ChunkProgress {
  status: JobStatus;
  stage: JobStage;
}

export interface TranscriptionJobResult {
  status: 'completed';
  durationS: number;
  language: string;
  chunks: number;
  providersUsed: SttProviderName[];
  translations: string[];
}
