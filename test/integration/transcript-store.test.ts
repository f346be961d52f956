import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { TranscriptsRepository } from '../../libs/db/transcripts.repository';
import { newId } from '../../libs/db/ids';
import { jobKeys, LocalStorage } from '../../libs/storage/local-storage';
import { INLINE_TRANSCRIPT_MAX_BYTES, TranscriptStore } from '../../libs/transcripts/transcript-store';
import { uniqueMongoUri } from '../support/test-env';

/** A transcript of `minutes` of speech: a segment every 5 s, a word every 0.4 s, as a provider returns them. */
function transcriptOf(minutes: number) {
  const seconds = minutes * 60;
  const segments = Array.from({ length: seconds / 5 }, (_, i) => ({
    start: i * 5,
    end: i * 5 + 4.6,
    text: `Segment ${i} says what was said in these five seconds of the recording.`,
  }));
  const words = Array.from({ length: seconds / 0.4 }, (_, i) => ({
    start: Math.round(i * 400) / 1000,
    end: Math.round(i * 400 + 300) / 1000,
    word: `word${i}`,
    confidence: 0.93,
  }));
  return {
    jobId: newId('job'),
    tenantId: 'ten_store',
    kind: 'original' as const,
    language: 'en',
    text: segments.map((s) => s.text).join(' '),
    segments,
    words,
    durationS: seconds,
    providers: ['openai'],
    simulated: true,
  };
}

describe('TranscriptStore on the MongoDB-wire server and local storage', () => {
  let connection: Connection;
  let repository: TranscriptsRepository;
  let store: TranscriptStore;
  const dir = mkdtempSync(join(tmpdir(), 'voxflow-transcripts-'));
  const storage = new LocalStorage(dir);

  beforeAll(async () => {
    connection = await mongoose.createConnection(uniqueMongoUri()).asPromise();
    repository = new TranscriptsRepository(connection);
    await repository.init();
    store = new TranscriptStore(repository, storage);
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a short transcript in its document', async () => {
    const short = transcriptOf(2);
    await store.save(short);
    const doc = (await repository.find(short.jobId, 'en'))!;
    expect(doc.storageKey).toBeUndefined();
    expect(doc.words).toHaveLength(short.words.length);
    expect(await store.load(short.jobId, 'en')).toMatchObject({ segments: short.segments, words: short.words });
  });

  it('moves a long transcript’s segments and words to storage, reads them back, and removes them with the job', async () => {
    const long = transcriptOf(60);
    expect(Buffer.byteLength(JSON.stringify({ segments: long.segments, words: long.words }))).toBeGreaterThan(
      INLINE_TRANSCRIPT_MAX_BYTES,
    );
    await store.save(long);
    // A retried merge saves the same transcript again.
    await store.save(long);

    const doc = (await repository.find(long.jobId, 'en'))!;
    expect(doc).toMatchObject({ segments: [], words: [], text: long.text, durationS: 3600 });
    expect(doc.storageKey).toBe(jobKeys.transcript(long.jobId, 'en'));
    expect(existsSync(storage.path(doc.storageKey!))).toBe(true);

    const loaded = (await store.load(long.jobId, 'en'))!;
    expect(loaded.segments).toEqual(long.segments);
    expect(loaded.words).toEqual(long.words);
    expect(loaded.storageKey).toBe(doc.storageKey);

    // What retention calls once TRANSCRIPT_RETENTION_DAYS have passed.
    await store.removeForJob(long.jobId);
    expect(existsSync(storage.path(doc.storageKey!))).toBe(false);
    expect(await store.load(long.jobId, 'en')).toBeUndefined();
  });
});
