import { Schema } from 'mongoose';
import { requiredString } from './schema-parts';
import {
  JOB_PRIORITIES,
  JOB_STAGES,
  JOB_STATUSES,
  STT_PROVIDERS,
  TRANSLATION_PROVIDERS,
  type ChunkProgress,
  type JobError,
  type JobPriority,
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
  /** Set by DELETE: media and transcripts are gone, the record stays as a tombstone. */
  deletedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export const JOB_MODEL = 'Job';

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
    usage: {
      type: [new Schema({ provider: String, audioSeconds: Number, requests: Number }, { _id: false })],
      default: [],
    },
    simulated: Boolean,
    startedAt: Date,
    finishedAt: Date,
    deletedAt: Date,
  },
  { collection: 'jobs', timestamps: true, versionKey: false, minimize: false },
);
// Newest-first listings per tenant (ids sort by creation time, so _id breaks ties for cursors).
JobSchema.index({ tenantId: 1, createdAt: -1, _id: -1 });
JobSchema.index({ tenantId: 1, status: 1, createdAt: -1 });
JobSchema.index({ status: 1 });
// The retention sweep walks ended jobs by end time, the id breaking ties between pages.
JobSchema.index({ finishedAt: 1, _id: 1 });
