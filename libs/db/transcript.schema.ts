import { Schema } from 'mongoose';
import { requiredString, requiredNumber, writtenOnce, SegmentSchema, WordSchema } from './schema-parts';
import type { TranscriptSegment, TranscriptWord } from '../providers/transcript';

/**
 * A finished transcript in one language: the original (`kind: original`, with words) or a translation
 * (segment-aligned with the original). `_id` = `${jobId}:${language}`. Long ones keep their segments and
 * words in storage (`storageKey`) instead of in the document (see TranscriptStore).
 */
export interface TranscriptDocument {
  _id: string;
  jobId: string;
  tenantId: string;
  kind: 'original' | 'translation';
  language: string;
  text: string;
  segments: TranscriptSegment[];
  words: TranscriptWord[];
  durationS: number;
  providers: string[];
  simulated: boolean;
  storageKey?: string;
  createdAt: Date;
}

export const TRANSCRIPT_MODEL = 'Transcript';

export const TranscriptSchema = new Schema<TranscriptDocument>(
  {
    _id: requiredString,
    jobId: requiredString,
    tenantId: requiredString,
    kind: { type: String, enum: ['original', 'translation'], required: true },
    language: requiredString,
    text: String,
    segments: [SegmentSchema],
    words: [WordSchema],
    durationS: Number,
    providers: [String],
    simulated: Boolean,
    storageKey: String,
  },
  writtenOnce('transcripts'),
);
TranscriptSchema.index({ jobId: 1 });

/** One translated batch of segments, kept as it arrives so a retried translation resumes. Insert-only. */
export interface TranslationPartDocument {
  _id: string;
  jobId: string;
  language: string;
  firstSegment: number;
  lines: string[];
  provider: string;
  simulated: boolean;
}

export const TRANSLATION_PART_MODEL = 'TranslationPart';

export const TranslationPartSchema = new Schema<TranslationPartDocument>(
  {
    _id: requiredString,
    jobId: requiredString,
    language: requiredString,
    firstSegment: requiredNumber,
    lines: [String],
    provider: String,
    simulated: Boolean,
  },
  { collection: 'translation_parts', versionKey: false },
);
TranslationPartSchema.index({ jobId: 1, language: 1, firstSegment: 1 });
