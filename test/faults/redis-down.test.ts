import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureRedis, redisProcess } from '../../deploy/local/redis-server';
import { startApiProcess, type AppProcess } from '../support/app-process';
import type { FileServer } from '../support/file-server';
import { pcmFrames, SILENCE_FRAME } from '../support/live-audio';
import { liveClient, type LiveClient } from '../support/live-client';
import { startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';
import { freePort } from '../support/test-env';
import { waitUntil } from '../support/wait-until';
import { reportFaults, serveRecordings, settle } from './fault-support';

const DOWN_MS = 20_000;
const SUBMISSIONS = 6;

/**
 * Redis stopped for 20 s while a live session runs across two API instances and jobs are submitted. Redis is
 * this suite's own server, on a port of its own.
 */
describe('faults: Redis down while live sessions run and jobs are submitted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voxflow-redis-down-'));
  let port: number;
  let harness: PipelineHarness;
  let files: FileServer;
  const apis: AppProcess[] = [];
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    port = await freePort();
    await ensureRedis({ dir, port });
    harness = await startPipelineHarness({ REDIS_URL: `redis://127.0.0.1:${port}` });
    files = await serveRecordings(SUBMISSIONS, 10);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    for (const api of apis) await api.stop();
    await files?.close();
    await harness?.close();
    await redisProcess(dir).stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const startApi = () => startApiProcess(harness.env, apis);

  it('speakers keep relaying, viewers on the same instance keep watching, the other instance resumes, submissions are accepted', async () => {
    const [a, b] = [await startApi(), await startApi()];
    const { key } = await harness.createApiKey('redis-down');
    const speaker = liveClient(a, '/audio-stream', { token: key, lang: 'en' });
    clients.push(speaker);
    const { session_id: sessionId } = await speaker.waitFor('connected');
    const [sameInstance, otherInstance] = [
      liveClient(a, '/captions', { token: key }),
      liveClient(b, '/captions', { token: key }),
    ];
    clients.push(sameInstance, otherInstance);
    for (const viewer of [sameInstance, otherInstance]) {
      viewer.socket.emit('watch', { session_id: sessionId });
      await viewer.waitFor('watching');
    }
    const finals = new Map<LiveClient, number[]>([speaker, sameInstance, otherInstance].map((c) => [c, []]));
    speaker.socket.on(
      'transcription',
      (t: { is_final?: boolean }) => t.is_final && finals.get(speaker)!.push(Date.now()),
    );
    for (const viewer of [sameInstance, otherInstance])
      viewer.socket.on('caption', (c: { is_final?: boolean }) => c.is_final && finals.get(viewer)!.push(Date.now()));

    // A speaker talking throughout: 10 s of speech then a pause, again and again.
    const speech = (await pcmFrames(10)).slice(0, 60);
    let talking = true;
    const talk = (async () => {
      while (talking) {
        for (const frame of [...speech, ...Array<Buffer>(12).fill(SILENCE_FRAME)]) {
          if (!talking) break;
          speaker.socket.emit('audio_chunk', frame);
          await sleep(40);
        }
      }
    })();
    await waitUntil(
      'a caption on the other instance before the outage',
      () => finals.get(otherInstance)!.length > 0,
      30_000,
    );

    expect(await redisProcess(dir).stop()).toBe(true);
    const downAt = Date.now();
    const submitted = new Map<string, number>();
    const statuses: number[] = [];
    for (let i = 0; i < SUBMISSIONS; i++) {
      const response = await fetch(`${a}/v1/jobs`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ audio_url: files.url(`/take-${i}.mp3`) }),
      });
      statuses.push(response.status);
      if (response.status === 202) submitted.set(((await response.json()) as { id: string }).id, Date.now());
      await sleep(DOWN_MS / SUBMISSIONS / 2);
    }
    const health = (await (await fetch(`${a}/health/ready`)).json()) as { status: string };
    await sleep(Math.max(0, DOWN_MS - (Date.now() - downAt)));
    await ensureRedis({ dir, port });
    const upAt = Date.now();
    await waitUntil(
      'a caption on the other instance after the outage',
      () => finals.get(otherInstance)!.some((at) => at > upAt),
      60_000,
    );
    talking = false;
    await talk;
    const outcome = await settle(harness, submitted, 120_000);
    const during = (client: LiveClient) => finals.get(client)!.filter((at) => at > downAt && at < upAt).length;
    const after = (client: LiveClient) => finals.get(client)!.filter((at) => at > upAt).length;

    reportFaults('redis-down', {
      down_s: DOWN_MS / 1000,
      speaker_finals_during: during(speaker),
      same_instance_viewer_during: during(sameInstance),
      other_instance_viewer_after: after(otherInstance),
      submissions: SUBMISSIONS,
      accepted: submitted.size,
      completed: outcome.completed,
      lost: outcome.lost + (SUBMISSIONS - submitted.size),
    });
    expect(health.status).toBe('degraded');
    expect(statuses).toEqual(Array<number>(SUBMISSIONS).fill(202));
    expect(during(speaker)).toBeGreaterThan(0);
    expect(during(sameInstance)).toBeGreaterThan(0);
    expect(after(otherInstance)).toBeGreaterThan(0);
    expect(speaker.of('session_ended')).toEqual([]);
    expect(outcome.lost).toBe(0);
    expect(outcome.completed).toBe(SUBMISSIONS);
  }, 240_000);
});
