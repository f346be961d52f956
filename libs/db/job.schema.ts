import { Schema } from 'mongoose';
import { requiredString } from './schema-parts';
import {
  JOB_PRIORITIES,
  JOB_RETENTIONS,
  JOB_STAGES,
  JOB_STATUSES,
  STT_PROVIDERS,
  TRANSLATION_PROVIDERS,
  type ChunkProgress,
  type JobError,
  type JobPriority,
  type JobRetention,
  type JobSourceRecord,
  type JobStage,
  type JobTimings,
  type JobStatus,
  type ProviderUsage,
  type SttProviderName,
  type TranslationProviderName,
} from '../contracts/job';

/**
 * A transcription job. Written by the API when it is created and, from then on, only by its workflow
 * (one activity at a time), so no two writers ever race on it: FerretDB would lose one of the updates.
 */
export interface JobDocument {
  _id: string;
  tenantId: string;
  status: JobStatus;
  stage: JobStage;
  progress: ChunkProgress;
  error?: JobError;
  source: JobSourceRecord;
  language?: string;
  detectedLanguage?: string;
  provider: SttProviderName;
  fallbackProviders: SttProviderName[];
  /** Providers that produced at least one chunk, in order of first use. */
  providersUsed: SttProviderName[];
  translateTo: string[];
  translationProvider: TranslationProviderName;
  webhookUrl?: string;
  metadata?: Record<string, unknown>;
  priority: JobPriority;
  durationS?: number;
  /** Milliseconds spent per stage. */
  timings: JobTimings;
  usage: ProviderUsage[];
  /** True when a provider simulator produced the transcript. */
  simulated?: boolean;
  startedAt?: Date;
  finishedAt?: Date;
  retention: JobRetention;
  /** When retention removed the transcripts, or their delivery did (retention `none`): they answer 410 since. */
  transcriptsRemovedAt?: Date;
  transcriptsRemovedBy?: 'retention' | 'delivery';
  createdAt: Date;
  updatedAt: Date;
}

export const JOB_MODEL = 'Job';
export const DELETED_JOB_USAGE_MODEL = 'DeletedJobUsage';

const UsageSchema = new Schema<ProviderUsage>(
  { provider: String, audioSeconds: Number, requests: Number },
  { _id: false },
);

export const JobSchema = new Schema<JobDocument>(
  {
    _id: requiredString,
    tenantId: requiredString,
    status: { type: String, enum: JOB_STATUSES, required: true },
    stage: { type: String, enum: JOB_STAGES, required: true },
    progress: {
      percent: { type: Number, default: 0 },
      chunksDone: { type: Number, default: 0 },
      chunksTotal: { type: Number, default: 0 },
    },
    error: { type: new Schema({ code: String, message: String }, { _id: false }), default: undefined },
    source: {
      kind: { type: String, enum: ['url', 'upload'], required: true },
      url: String,
      filename: String,
      storageKey: String,
      bytes: Number,
      contentType: String,
    },
    language: String,
    detectedLanguage: String,
    provider: { type: String, enum: STT_PROVIDERS, required: true },
    fallbackProviders: { type: [String], default: [] },
    providersUsed: { type: [String], default: [] },
    translateTo: { type: [String], default: [] },
    translationProvider: { type: String, enum: TRANSLATION_PROVIDERS, required: true },
    webhookUrl: String,
    metadata: { type: Schema.Types.Mixed },
    priority: { type: String, enum: JOB_PRIORITIES, default: 'normal' },
    durationS: Number,
    timings: { type: Schema.Types.Mixed, default: {} },
    usage: { type: [UsageSchema], default: [] },
    simulated: Boolean,
    startedAt: Date,
    finishedAt: Date,
    retention: { type: String, enum: JOB_RETENTIONS, default: 'default' },
    transcriptsRemovedAt: Date,
    transcriptsRemovedBy: { type: String, enum: ['retention', 'delivery'] },
  },
  { collection: 'jobs', timestamps: true, versionKey: false, minimize: false },
);
// Newest-first listings per tenant (ids sort by creation time, so _id breaks ties for cursors).
JobSchema.index({ tenantId: 1, createdAt: -1, _id: -1 });
JobSchema.index({ tenantId: 1, status: 1, createdAt: -1 });
JobSchema.index({ status: 1 });
// The retention sweep walks ended jobs by end time, the id breaking ties between pages.
JobSchema.index({ finishedAt: 1, _id: 1 });

/**
 * What a deleted job used, kept for the tenant's usage reports without anything that names or describes the
 * job: `_id` is a hash of the job id (so a retried delete writes it once), the rest is counts.
 */
export interface DeletedJobUsageDocument {
  _id: string;
  tenantId: string;
  finishedAt: Date;
  usage: ProviderUsage[];
}

export const DeletedJobUsageSchema = new Schema<DeletedJobUsageDocument>(
  {
    _id: requiredString,
    tenantId: requiredString,
    finishedAt: { type: Date, required: true },
    usage: [UsageSchema],
  },
  { collection: 'deleted_job_usage', versionKey: false },
);
DeletedJobUsageSchema.index({ tenantId: 1, finishedAt: 1 });
