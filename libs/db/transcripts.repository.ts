import type { Connection, Model } from 'mongoose';
import { modelOn } from './model-on';
import { isDuplicateKeyError } from './mongo-errors';
import {
  TRANSCRIPT_MODEL,
  TRANSLATION_PART_MODEL,
  TranscriptSchema,
  TranslationPartSchema,
  type TranscriptDocument,
  type TranslationPartDocument,
} from './transcript.schema';

export const transcriptId = (jobId: string, language: string) => `${jobId}:${language}`;

/** Finished transcripts (original and translations) and the translation batches they are built from. */
export class TranscriptsRepository {
  private readonly transcripts: Model<TranscriptDocument>;
  private readonly parts: Model<TranslationPartDocument>;

  constructor(connection: Connection) {
    this.transcripts = modelOn(connection, TRANSCRIPT_MODEL, TranscriptSchema);
    this.parts = modelOn(connection, TRANSLATION_PART_MODEL, TranslationPartSchema);
  }

  async init(): Promise<void> {
    await Promise.all([this.transcripts.init(), this.parts.init()]);
  }

  /** Writes a transcript whole. A retried activity writes the same content again, so replacing is safe. */
  async save(transcript: Omit<TranscriptDocument, '_id' | 'createdAt'>): Promise<void> {
    const _id = transcriptId(transcript.jobId, transcript.language);
    await this.transcripts.replaceOne({ _id }, { ...transcript, _id, createdAt: new Date() }, { upsert: true });
  }

  async find(jobId: string, language: string): Promise<TranscriptDocument | undefined> {
    return (await this.transcripts.findById(transcriptId(jobId, language)).lean()) ?? undefined;
  }

  /** Whether the transcript is stored, read by id (see JobChunksRepository.listForJob for why). */
  async exists(jobId: string, language: string): Promise<boolean> {
    return (await this.transcripts.exists({ _id: transcriptId(jobId, language) })) !== null;
  }

  async languages(jobId: string): Promise<{ language: string; kind: 'original' | 'translation' }[]> {
    return this.transcripts.find({ jobId }, { language: 1, kind: 1, _id: 0 }).sort({ kind: 1, language: 1 }).lean();
  }

  async findParts(jobId: string, language: string): Promise<TranslationPartDocument[]> {
    return this.parts.find({ jobId, language }).sort({ firstSegment: 1 }).lean();
  }

  async savePart(part: TranslationPartDocument): Promise<void> {
    try {
      await this.parts.create(part);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /** The job's transcripts and translation parts; returns how many transcripts (languages) there were. */
  async removeForJob(jobId: string): Promise<number> {
    const [transcripts] = await Promise.all([this.transcripts.deleteMany({ jobId }), this.parts.deleteMany({ jobId })]);
    return transcripts.deletedCount;
  }
}
