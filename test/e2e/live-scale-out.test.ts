import { Redis } from 'ioredis';
import { captionChannelPrefix } from '../../apps/api/captions/socket-io.adapter';
import { startAppProcess, type AppProcess } from '../support/app-process';
import { pcmFrames, SILENCE_FRAME } from '../support/live-audio';
import { liveClient, type LiveClient } from '../support/live-client';
import { startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';
import { freePort } from '../support/test-env';
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

  const startApi = async () => {
    const port = await freePort();
    const api = startAppProcess('api', { ...harness.env, PORT: String(port) });
    apis.push(api);
    await api.waitForOutput(/Voxflow API listening/);
    return `http://127.0.0.1:${port}`;
  };

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
    // A publishes without subscribing, and a third instance would receive nothing.
    const channel = `${captionChannelPrefix(harness.env.TEMPORAL_TASK_QUEUE!)}#/captions#live:${String(sessionId)}#`;
    const subscribers = async () => ((await redis.call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number])[1];
    await waitUntil('B subscribed to the session', async () => (await subscribers()) === 1, 5_000);

    for (const frame of [...(await pcmFrames(15)).slice(0, 100), ...Array<Buffer>(12).fill(SILENCE_FRAME)]) {
      speaker.socket.emit('audio_chunk', frame);
      await new Promise((wake) => setTimeout(wake, 25));
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
});
