import mongoose, { type Connection } from 'mongoose';
import { LiveHost } from '../../apps/api/captions/live-host';
import { newId } from '../../libs/db/ids';
import { LIVE_HOST_LOST_AFTER_MS, LiveSessionsRepository } from '../../libs/db/live-sessions.repository';
import { uniqueMongoUri } from '../support/test-env';

describe('live sessions of a crashed API instance read as ended', () => {
  let connection: Connection;
  let repository: LiveSessionsRepository;
  const tenantId = 'tnt_hosts';

  beforeAll(async () => {
    connection = await mongoose.createConnection(uniqueMongoUri()).asPromise();
    repository = new LiveSessionsRepository(connection);
    await repository.init();
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  const startSession = async (hostId: string | undefined, tenant = tenantId) =>
    (
      await repository.start({
        _id: newId('live'),
        tenantId: tenant,
        userId: 'u',
        authType: 'api_key',
        language: 'en',
        hostId,
      })
    )._id;

  it("keeps a heartbeating host's session live; a silent or missing host's reads as ended, without writing", async () => {
    const host = new LiveHost(repository);
    await host.onApplicationBootstrap();
    const alive = await startSession(host.id);
    const neverSeen = await startSession('host_never_seen');
    const staleHost = 'host_stale';
    const lastSeen = new Date(Date.now() - LIVE_HOST_LOST_AFTER_MS - 5_000);
    await connection.collection('live_hosts').insertOne({ _id: staleHost as never, seenAt: lastSeen });
    const stale = await startSession(staleHost);
    await connection
      .collection('live_sessions')
      .updateOne({ _id: stale as never }, { $set: { startedAt: new Date(lastSeen.getTime() - 60_000) } });
    // Started after its host's last recorded beat: it cannot have ended before it began.
    const afterLastBeat = await startSession(staleHost);
    const beforeHosts = await startSession(undefined); // stored before sessions named their host

    expect(await repository.findForTenant(tenantId, alive)).toMatchObject({ status: 'live' });
    expect(await repository.findForTenant(tenantId, beforeHosts)).toMatchObject({ status: 'live' });
    expect(await repository.findForTenant(tenantId, neverSeen)).toMatchObject({
      status: 'ended',
      endReason: 'server_lost',
    });
    expect(await repository.findForTenant(tenantId, stale)).toMatchObject({
      status: 'ended',
      endReason: 'server_lost',
      endedAt: lastSeen,
    });
    const afterLastBeatRead = await repository.findForTenant(tenantId, afterLastBeat);
    expect(afterLastBeatRead).toMatchObject({ status: 'ended', endReason: 'server_lost' });
    expect(afterLastBeatRead!.endedAt).toEqual(afterLastBeatRead!.startedAt);
    const { sessions } = await repository.listForTenant(tenantId, { limit: 10 });
    expect(Object.fromEntries(sessions.map((s) => [s._id, s.status]))).toEqual({
      [alive]: 'live',
      [neverSeen]: 'ended',
      [stale]: 'ended',
      [afterLastBeat]: 'ended',
      [beforeHosts]: 'live',
    });

    // Only read that way: a host back in touch with the database has its sessions live again.
    expect(await connection.collection('live_sessions').countDocuments({ status: 'live' })).toBe(5);
    await repository.heartbeat(staleHost);
    expect(await repository.findForTenant(tenantId, stale)).toMatchObject({ status: 'live' });

    // A clean shutdown removes the host record (its sessions were ended before).
    await host.onApplicationShutdown();
    expect(await connection.collection('live_hosts').countDocuments({ _id: host.id as never })).toBe(0);
  });

  it("records running sessions' audio at each beat, so a crashed session still counts in usage", async () => {
    const usageTenant = `tnt_audio_${newId('t')}`;
    const host = new LiveHost(repository);
    const running = await startSession(host.id, usageTenant);
    const ended = await startSession(host.id, usageTenant);
    await repository.end(ended, 'stopped', 4);
    let runningSeconds = 12.5;
    host.reportAudioFrom(() => [
      { sessionId: running, audioSeconds: runningSeconds },
      // An ended session keeps the figure its end recorded.
      { sessionId: ended, audioSeconds: 99 },
    ]);
    await host.onApplicationBootstrap(); // the first beat
    await host.onApplicationShutdown();

    const session = (id: string) => connection.collection('live_sessions').findOne({ _id: id as never });
    expect(await session(running)).toMatchObject({ status: 'live', audioSeconds: 12.5 });
    expect(await session(ended)).toMatchObject({ status: 'ended', audioSeconds: 4 });
    const day = 24 * 3_600_000;
    expect(
      await repository.usageForTenant(usageTenant, new Date(Date.now() - day), new Date(Date.now() + day)),
    ).toEqual({
      sessions: 2,
      audioSeconds: 16.5,
    });

    // Figures only grow: a late report with less audio does not undo a newer one.
    runningSeconds = 3;
    await repository.recordAudio([{ sessionId: running, audioSeconds: runningSeconds }]);
    expect(await session(running)).toMatchObject({ audioSeconds: 12.5 });
  });
});
