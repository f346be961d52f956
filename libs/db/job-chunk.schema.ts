import { Schema } from 'mongoose';
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

const segment = new Schema({ start: Number, end: Number, text: String, speaker: Number }, { _id: false });
const word = new Schema(
  { start: Number, end: Number, word: String, confidence: Number, speaker: Number },
  { _id: false },
);

export const JobChunkSchema = new Schema<JobChunkDocument>(
  {
    _id: { type: String, required: true },
    jobId: { type: String, required: true },
    index: { type: Number, required: true },
    offsetS: { type: Number, required: true },
    durationS: { type: Number, required: true },
    provider: { type: String, required: true },
    model: String,
    language: String,
    text: String,
    segments: [segment],
    words: [word],
    simulated: Boolean,
  },
  { collection: 'job_chunks', timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
JobChunkSchema.index({ jobId: 1, index: 1 });
