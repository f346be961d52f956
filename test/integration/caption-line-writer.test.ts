import { setTimeout as sleep } from 'node:timers/promises';
import mongoose, { type Connection } from 'mongoose';
import { CaptionLineWriter } from '../../apps/api/captions/caption-line-writer';
import type { NewCaptionLine } from '../../libs/db/live-session.schema';
import { LiveSessionsRepository } from '../../libs/db/live-sessions.repository';
import { uniqueMongoUri } from '../support/test-env';

const line = (sessionId: string, seq: number): NewCaptionLine => ({
  sessionId,
  seq,
  start: seq,
  end: seq + 0.9,
  text: `line ${seq} of ${sessionId}`,
  confidence: 0.9,
});

describe('caption lines written in batches to the MongoDB-wire server', () => {
  let connection: Connection;
  let repository: LiveSessionsRepository;
  const errors: unknown[] = [];
  const writer = () => new CaptionLineWriter(repository, { error: (...args: unknown[]) => errors.push(args) });

  beforeAll(async () => {
    connection = await mongoose.createConnection(uniqueMongoUri()).asPromise();
    repository = new LiveSessionsRepository(connection);
    await repository.init();
  });

  afterEach(() => expect(errors).toEqual([]));

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('stores every line of several sessions by flush(), in order per session', async () => {
    const lines = writer();
    for (let seq = 0; seq < 3; seq++) {
      lines.add(line('live_a', seq));
      lines.add(line('live_b', seq));
    }
    await lines.flush();
    expect((await repository.captionLines('live_a')).map((l) => l.text)).toEqual([
      'line 0 of live_a',
      'line 1 of live_a',
      'line 2 of live_a',
    ]);
    expect(await repository.captionLines('live_b')).toHaveLength(3);
    expect(await repository.captionLines('live_b', 2)).toMatchObject([{ seq: 1 }, { seq: 2 }]);
  });

  it('stores lines on its own within the flush delay', async () => {
    const lines = writer();
    lines.add(line('live_c', 0));
    const deadline = Date.now() + 5_000;
    while ((await repository.captionLines('live_c')).length === 0 && Date.now() < deadline) await sleep(50);
    expect(await repository.captionLines('live_c')).toMatchObject([{ seq: 0, text: 'line 0 of live_c' }]);
  });

  it('skips a line stored already and still writes the rest of its batch', async () => {
    const lines = writer();
    lines.add(line('live_d', 0));
    await lines.flush();
    lines.add({ ...line('live_d', 0), text: 'a retried copy' });
    lines.add(line('live_d', 1));
    await lines.flush();
    expect((await repository.captionLines('live_d')).map((l) => l.text)).toEqual([
      'line 0 of live_d',
      'line 1 of live_d',
    ]);
  });

  it('covers, in one flush(), lines added while an earlier batch was still being written', async () => {
    const lines = writer();
    lines.add(line('live_e', 0));
    const first = lines.flush();
    lines.add(line('live_e', 1));
    await lines.flush();
    expect(await repository.captionLines('live_e')).toHaveLength(2);
    await first;
  });
});
