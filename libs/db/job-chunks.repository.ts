import type { Connection, Model } from 'mongoose';
import { JOB_CHUNK_MODEL, JobChunkSchema, type JobChunkDocument } from './job-chunk.schema';
import { modelOn } from './model-on';
import { isDuplicateKeyError } from './mongo-errors';

export const chunkId = (jobId: string, index: number) => `${jobId}:${index}`;

/** Chunk transcripts, insert-only: the first stored answer for a chunk is the answer. */
export class JobChunksRepository {
  private readonly model: Model<JobChunkDocument>;

  constructor(connection: Connection) {
    this.model = modelOn(connection, JOB_CHUNK_MODEL, JobChunkSchema);
  }

  async init(): Promise<void> {
    await this.model.init();
  }

  async find(jobId: string, index: number): Promise<JobChunkDocument | undefined> {
    return (await this.model.findById(chunkId(jobId, index)).lean()) ?? undefined;
  }

  /** Stores a chunk's transcript; if an earlier attempt already stored one, that one stands. */
  async save(chunk: Omit<JobChunkDocument, '_id' | 'createdAt'>): Promise<void> {
    try {
      await this.model.create({ ...chunk, _id: chunkId(chunk.jobId, chunk.index) });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /**
   * The job's stored chunks in index order. Given the chunk count, reads each chunk by its id: point reads
   * stay cheap however many jobs the collection holds, even on servers that cannot use the jobId index
   * (FerretDB on SQLite pushes down only `_id` filters and decodes every document for anything else).
   */
  async listForJob(jobId: string, chunkCount?: number): Promise<JobChunkDocument[]> {
    if (chunkCount === undefined) return this.model.find({ jobId }).sort({ index: 1 }).lean();
    const found = await Promise.all(
      Array.from({ length: chunkCount }, (_, index) => this.model.findById(chunkId(jobId, index)).lean()),
    );
    return found.filter((chunk) => chunk !== null);
  }

  /** Returns how many chunk records there were. */
  async removeForJob(jobId: string): Promise<number> {
    return (await this.model.deleteMany({ jobId })).deletedCount;
  }
}
