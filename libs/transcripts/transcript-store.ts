import { Readable } from 'node:stream';
import type { TranscriptDocument } from '../db/transcript.schema';
import type { TranscriptsRepository } from '../db/transcripts.repository';
import { jobKeys, type LocalStorage } from '../storage/local-storage';

/**
 * Segments and words above this size (about 20 minutes of speech with word timings) live in storage, with a
 * pointer in the document. A document database parses and rewrites a document whole: on FerretDB a 60-minute
 * transcript (0.8 MB) took 0.5–0.8 s to save and 0.4 s to read back, the merge and store stages' largest cost.
 */
export const INLINE_TRANSCRIPT_MAX_BYTES = 256 * 1024;

type NewTranscript = Omit<TranscriptDocument, '_id' | 'createdAt'>;

export class TranscriptStore {
  constructor(
    private readonly repository: TranscriptsRepository,
    private readonly storage: LocalStorage,
  ) {}

  async save(transcript: NewTranscript): Promise<void> {
    const body = JSON.stringify({ segments: transcript.segments, words: transcript.words });
    if (Buffer.byteLength(body) <= INLINE_TRANSCRIPT_MAX_BYTES) {
      await this.repository.save({ ...transcript, storageKey: undefined });
      return;
    }
    const storageKey = jobKeys.transcript(transcript.jobId, transcript.language);
    await this.storage.write(storageKey, Readable.from([body]), { maxBytes: Number.MAX_SAFE_INTEGER });
    await this.repository.save({ ...transcript, segments: [], words: [], text: transcript.text, storageKey });
  }

  /** Every transcript of the job, in the database and in storage; returns how many languages there were. */
  async removeForJob(jobId: string): Promise<number> {
    const [removed] = await Promise.all([
      this.repository.removeForJob(jobId),
      this.storage.remove(jobKeys.transcripts(jobId)),
    ]);
    return removed;
  }

  /** The transcript with its segments and words, wherever they are kept. */
  async load(jobId: string, language: string): Promise<TranscriptDocument | undefined> {
    const doc = await this.repository.find(jobId, language);
    return doc ? this.inflate(doc) : undefined;
  }

  private async inflate(doc: TranscriptDocument): Promise<TranscriptDocument> {
    if (!doc.storageKey) return doc;
    const chunks: Buffer[] = [];
    for await (const chunk of this.storage.read(doc.storageKey)) chunks.push(chunk as Buffer);
    const { segments, words } = JSON.parse(Buffer.concat(chunks).toString()) as Pick<
      TranscriptDocument,
      'segments' | 'words'
    >;
    return { ...doc, segments, words };
  }
}
