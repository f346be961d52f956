import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { captionChannelPrefix } from '../../apps/api/captions/socket-io.adapter';
import { startApiProcess, type AppProcess } from '../support/app-process';
import { pcmFrames, SILENCE_FRAME } from '../support/live-audio';
import { liveClient, type LiveClient } from '../support/live-client';
import { startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';
import { waitUntil } from '../support/wait-until';

describe('live captions across API instances (Redis adapter)', () => {
  let harness: PipelineHarness;
  const apis: AppProcess[] = [];
  const clients: LiveClient[] = [];

  let redis: Redis;

  beforeAll(async () => {
    harness = await startPipelineHarness({}, { inProcessWorker: false });
    redis = new Redis(harness.env.REDIS_URL!);
  });

  afterAll(async () => {
    redis?.disconnect();
    for (const client of clients) client.close();
    for (const api of apis) await api.stop();
    await harness?.close();
  });

  const startApi = () => startApiProcess(harness.env, apis);

  const channelOf = (sessionId: unknown) =>
    `${captionChannelPrefix(harness.env.TEMPORAL_TASK_QUEUE!)}#/captions#live:${String(sessionId)}#`;

  it('delivers captions from a speaker on instance A to a viewer on instance B', async () => {
    const [a, b] = [await startApi(), await startApi()];
    const { key } = await harness.createApiKey('scale-out');

    const speaker = liveClient(a, '/audio-stream', { token: key, lang: 'en' });
    clients.push(speaker);
    const { session_id: sessionId } = await speaker.waitFor('connected');
    const viewer = liveClient(b, '/captions', { token: key });
    clients.push(viewer);
    viewer.socket.emit('watch', { session_id: sessionId });
    await viewer.waitFor('watching');
    // The session's captions travel on a channel of its own, which only B (its viewer's instance) hears:
    // A publishes without subscribing, and a third instance would receive nothing. B is subscribed by the
    // time its viewer hears `watching`.
    const subscribers = async () =>
      ((await redis.call('PUBSUB', 'SHARDNUMSUB', channelOf(sessionId))) as [string, number])[1];
    expect(await subscribers()).toBe(1);

    for (const frame of [...(await pcmFrames(15)).slice(0, 100), ...Array<Buffer>(12).fill(SILENCE_FRAME)]) {
      speaker.socket.emit('audio_chunk', frame);
      await sleep(25);
    }
    const caption = await viewer.waitFor('caption', (c) => c.is_final === true);
    expect(caption).toMatchObject({ session_id: sessionId, transcript: expect.any(String) });
    expect(
      speaker
        .of('transcription')
        .filter((t) => t.is_final)
        .map((t) => t.transcript),
    ).toContain(caption.transcript);

    // Instance A's metrics see its speaker and the captions it relayed.
    const metrics = await (await fetch(`${a}/metrics`)).text();
    expect(metrics).toMatch(/voxflow_live_sessions\{[^}]*role="speaker"[^}]*\} 1\n/);
    expect(metrics).toMatch(/voxflow_live_relay_seconds_count\{[^}]*\} [1-9]/);

    speaker.socket.emit('stop');
    expect(await viewer.waitFor('session_ended')).toMatchObject({ session_id: sessionId, reason: 'stopped' });
    // Instance A pipelines its publishes (those of one event-loop turn go in one write): every final line
    // still reaches B, in the speaker's order.
    const finals = (events: Record<string, unknown>[]) => events.filter((e) => e.is_final).map((e) => e.transcript);
    expect(finals(speaker.of('transcription')).length).toBeGreaterThan(1);
    expect(finals(viewer.of('caption'))).toEqual(finals(speaker.of('transcription')));

    // The viewer gone, B leaves the channel too.
    viewer.close();
    await waitUntil('B unsubscribed', async () => (await subscribers()) === 0, 5_000);
  });

  it('tells a viewer it is watching only once its instance hears the session', async () => {
    const [a, b] = [await startApi(), await startApi()];
    const { key } = await harness.createApiKey('scale-out-join');
    const sessions: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      const speaker = liveClient(a, '/audio-stream', { token: key, lang: 'en' });
      clients.push(speaker);
      sessions.push((await speaker.waitFor('connected')).session_id);
    }
    const viewer = liveClient(b, '/captions', { token: key });
    clients.push(viewer);
    // A first watch: the viewer is authenticated and B's Redis connections are up before Redis is held.
    viewer.socket.emit('watch', { session_id: sessions[0] });
    await viewer.waitFor('watching');

    let watchingAt = 0;
    viewer.socket.on('watching', () => (watchingAt = Date.now()));
    // Redis busy for 600 ms (a script holds it): B's subscription to the second session waits behind it.
    const held = redis.eval(HOLD_REDIS_MS, 0, '600');
    await sleep(50);
    const watchSent = Date.now();
    viewer.socket.emit('watch', { session_id: sessions[1] });
    await held;
    await viewer.waitFor('watching', (w) => w.session_id === sessions[1]);
    expect(watchingAt - watchSent).toBeGreaterThanOrEqual(400);
    expect(((await redis.call('PUBSUB', 'SHARDNUMSUB', channelOf(sessions[1]))) as [string, number])[1]).toBe(1);
  });
});

/** Keeps Redis busy for ARGV[1] milliseconds: every other client's commands wait until it returns. */
const HOLD_REDIS_MS = `
local function now() local t = redis.call('TIME') return t[1] * 1000 + math.floor(t[2] / 1000) end
local stop = now() + tonumber(ARGV[1])
while now() < stop do end
return 1`;
