import mongoose, { type Connection } from 'mongoose';
import { LiveHost } from '../../apps/api/captions/live-host';
import { newId } from '../../libs/db/ids';
import { LiveSessionsRepository } from '../../libs/db/live-sessions.repository';
import { ViewerTokensRepository } from '../../libs/db/viewer-tokens.repository';
import { LIVE_HOST_LOST_AFTER_MS, LiveSessionsService } from '../../libs/live/live-sessions.service';
import { testConfig, uniqueMongoUri } from '../support/test-env';

describe('live sessions of a crashed API instance read as ended', () => {
  let connection: Connection;
  let repository: LiveSessionsRepository;
  let live: LiveSessionsService;
  const tenantId = 'tnt_hosts';

  beforeAll(async () => {
    connection = await mongoose.createConnection(uniqueMongoUri()).asPromise();
    repository = new LiveSessionsRepository(connection);
    await repository.init();
    // Sessions last at most two hours here.
    live = new LiveSessionsService(
      repository,
      new ViewerTokensRepository(connection),
      testConfig({ LIVE_MAX_SESSION_MINUTES: '120' }),
    );
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
    const host = new LiveHost(live);
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

    expect(await live.find(tenantId, alive)).toMatchObject({ status: 'live' });
    expect(await live.find(tenantId, beforeHosts)).toMatchObject({ status: 'live' });
    expect(await live.find(tenantId, neverSeen)).toMatchObject({
      status: 'ended',
      endReason: 'server_lost',
    });
    expect(await live.find(tenantId, stale)).toMatchObject({
      status: 'ended',
      endReason: 'server_lost',
      endedAt: lastSeen,
    });
    const afterLastBeatRead = await live.find(tenantId, afterLastBeat);
    expect(afterLastBeatRead).toMatchObject({ status: 'ended', endReason: 'server_lost' });
    expect(afterLastBeatRead!.endedAt).toEqual(afterLastBeatRead!.startedAt);
    const { sessions } = await live.list(tenantId, { limit: 10 });
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
    expect(await live.find(tenantId, stale)).toMatchObject({ status: 'live' });

    // A clean shutdown removes the host record (its sessions were ended before).
    await host.onApplicationShutdown();
    expect(await connection.collection('live_hosts').countDocuments({ _id: host.id as never })).toBe(0);
  });

  it("records running sessions' audio at each beat, in the host record", async () => {
    const host = new LiveHost(live);
    const running = await startSession(host.id);
    host.reportAudioFrom(() => ({ [running]: 12.5 }));
    await host.onApplicationBootstrap(); // the first beat
    try {
      expect(await connection.collection('live_hosts').findOne({ _id: host.id as never })).toMatchObject({
        audio: { [running]: 12.5 },
      });
    } finally {
      await host.onApplicationShutdown();
    }
  });

  it("ends a crashed host's sessions with the audio of its last beat, so they count in usage", async () => {
    const usageTenant = `tnt_audio_${newId('t')}`;
    const hour = 3_600_000;
    const crashedHost = `host_${newId('t')}`;
    const startedAt = new Date(Date.now() - 3 * hour);
    // More than FerretDB answers in one update command (about 100 statements).
    const abandoned = Array.from({ length: 120 }, (_, i) => ({
      _id: newId('live'),
      tenantId: usageTenant,
      userId: 'u',
      authType: 'api_key',
      language: 'en',
      hostId: crashedHost,
      status: 'live',
      startedAt,
      audioSecondsAtLastBeat: (i + 1) / 10,
    }));
    await connection
      .collection('live_sessions')
      .insertMany(abandoned.map(({ audioSecondsAtLastBeat: _audio, ...session }) => session) as never[]);
    const lastBeat = new Date(startedAt.getTime() + 30 * 60_000);
    await connection.collection('live_hosts').insertOne({
      _id: crashedHost as never,
      seenAt: lastBeat,
      audio: Object.fromEntries(abandoned.map((session) => [session._id, session.audioSecondsAtLastBeat])),
    });
    const endedNormally = await startSession(crashedHost, usageTenant);
    await repository.end(endedNormally, 'stopped', 4);

    expect(await live.endAbandoned()).toBe(120);

    const stored = await connection
      .collection('live_sessions')
      .find({ tenantId: usageTenant, _id: { $ne: endedNormally as never } })
      .toArray();
    expect(stored).toHaveLength(120);
    for (const session of stored)
      expect(session).toMatchObject({
        status: 'ended',
        endReason: 'server_lost',
        endedAt: lastBeat,
        audioSeconds: abandoned.find((a) => a._id === String(session._id))!.audioSecondsAtLastBeat,
      });
    const day = 24 * hour;
    const usage = await live.usage(usageTenant, new Date(Date.now() - day), new Date(Date.now() + day));
    // 0.1 + 0.2 + … + 12.0 = 726, and the session that ended normally keeps its own 4.
    expect(usage).toEqual({ sessions: 121, audioSeconds: 730 });
  });

  it("counts a session still live in usage with the audio of its host's last beat, and once ended with its own", async () => {
    const usageTenant = `tnt_live_audio_${newId('t')}`;
    const runningHost = `host_${newId('t')}`;
    const crashedHost = `host_${newId('t')}`;
    const running = await startSession(runningHost, usageTenant);
    const ofCrashedHost = await startSession(crashedHost, usageTenant);
    await startSession(undefined, usageTenant); // stored before sessions named their host: no beat to read
    await repository.end(await startSession(runningHost, usageTenant), 'stopped', 3);
    await repository.heartbeat(runningHost, { [running]: 12.5 });
    await connection.collection('live_hosts').insertOne({
      _id: crashedHost as never,
      seenAt: new Date(Date.now() - LIVE_HOST_LOST_AFTER_MS - 60_000),
      audio: { [ofCrashedHost]: 7 },
    });
    const usage = () => live.usage(usageTenant, new Date(Date.now() - 60_000), new Date(Date.now() + 60_000));

    expect(await usage()).toEqual({ sessions: 4, audioSeconds: 22.5 });
    await repository.heartbeat(runningHost, { [running]: 20 });
    expect(await usage()).toEqual({ sessions: 4, audioSeconds: 30 });
    // Ended: its stored figure counts, not the host record's (which still names it until the next beat).
    await repository.end(running, 'stopped', 21);
    expect(await usage()).toEqual({ sessions: 4, audioSeconds: 31 });
  });
});
