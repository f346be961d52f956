import { Schema } from 'mongoose';
import { requiredString, requiredNumber, writtenOnce, SegmentSchema, WordSchema } from './schema-parts';
import type { TranscriptSegment, TranscriptWord } from '../providers/transcript';

/**
 * One chunk's transcript, stored the moment the provider answers. `_id` = `${jobId}:${index}`: a retried
 * or resumed job finds it and does not pay the provider again. Insert-only.
 */
export interface JobChunkDocument {
  _id: string;
  jobId: string;
  index: number;
  /** Where the chunk starts in the whole recording (seconds). */
  offsetS: number;
  durationS: number;
  provider: string;
  model: string;
  language?: string;
  text: string;
  segments: TranscriptSegment[];
  words: TranscriptWord[];
  simulated: boolean;
  createdAt: Date;
}

export const JOB_CHUNK_MODEL = 'JobChunk';

export const JobChunkSchema = new Schema<JobChunkDocument>(
  {
    _id: requiredString,
    jobId: requiredString,
    index: requiredNumber,
    offsetS: requiredNumber,
    durationS: requiredNumber,
    provider: requiredString,
    model: String,
    language: String,
    text: String,
    segments: [SegmentSchema],
    words: [WordSchema],
    simulated: Boolean,
  },
  writtenOnce('job_chunks'),
);
JobChunkSchema.index({ jobId: 1, index: 1 });
