import mongoose, { type Connection } from 'mongoose';
import { LiveSessionsRepository, RETIRED_SESSION_INDEXES } from '../../libs/db/live-sessions.repository';
import { dropRetiredIndexes } from '../../libs/db/retired-indexes';
import { uniqueMongoUri } from '../support/test-env';

describe('indexes of earlier versions', () => {
  let connection: Connection;

  beforeAll(async () => {
    connection = await mongoose.createConnection(uniqueMongoUri()).asPromise();
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  const indexNames = async (collection: string) =>
    (await connection.collection(collection).indexes()).map((index) => index.name).sort();

  it('are dropped when the sessions repository starts, and the current ones built', async () => {
    // A database as an earlier version left it: a session, and the indexes that version declared.
    const sessions = connection.collection('live_sessions');
    await sessions.insertOne({ _id: 'live_old' as never, tenantId: 't', startedAt: new Date(), status: 'ended' });
    await sessions.createIndex({ tenantId: 1, startedAt: -1 });
    await sessions.createIndex({ startedAt: 1 });
    expect(await indexNames('live_sessions')).toEqual(expect.arrayContaining([...RETIRED_SESSION_INDEXES]));

    await new LiveSessionsRepository(connection).init();

    const names = await indexNames('live_sessions');
    for (const retired of RETIRED_SESSION_INDEXES) expect(names).not.toContain(retired);
    expect(names).toEqual(
      expect.arrayContaining(['_id_', 'tenantId_1__id_-1', 'startedAt_1__id_1', 'status_1_startedAt_1']),
    );
    expect(await sessions.countDocuments()).toBe(1);
  });

  it('are dropped once when several processes start together, without an error in either', async () => {
    const collection = connection.collection('retired_race');
    await collection.insertOne({ at: 1 });
    await collection.createIndex({ at: 1 });
    await collection.createIndex({ at: -1 });
    const names = ['at_1', 'at_-1', 'never_existed_1'];
    const [first, second] = await Promise.all([
      dropRetiredIndexes(collection, names),
      dropRetiredIndexes(collection, names),
    ]);
    expect([...first, ...second].sort()).toEqual(['at_-1', 'at_1']);
    expect(await indexNames('retired_race')).toEqual(['_id_']);
    // Nothing left to drop: a later start drops nothing.
    expect(await dropRetiredIndexes(collection, names)).toEqual([]);
  });
});
