import { setTimeout as sleep } from 'node:timers/promises';
import { startAppProcess, type AppProcess } from '../support/app-process';
import type { FileServer } from '../support/file-server';
import { startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';
import { freePort } from '../support/test-env';
import { reportFaults, settle, serveRecordings } from './fault-support';

const SUBMISSIONS = 30;
const CONCURRENCY = 6;

describe('faults: the API process killed during a submission burst', () => {
  let harness: PipelineHarness;
  let files: FileServer;
  const apis: AppProcess[] = [];

  beforeAll(async () => {
    harness = await startPipelineHarness();
    files = await serveRecordings(SUBMISSIONS, 6);
  });

  afterAll(async () => {
    for (const api of apis) await api.crash().catch(() => undefined);
    await files?.close();
    await harness?.close();
  });

  it('every job answered 202 exists and completes', async () => {
    const port = await freePort();
    const startApi = async () => {
      const api = startAppProcess('api', { ...harness.env, PORT: String(port), NODE_ENV: 'production' });
      apis.push(api);
      await api.waitForOutput(/Voxflow API listening/);
      return api;
    };
    let api = await startApi();
    const { key } = await harness.createApiKey('burst');

    const accepted = new Map<string, number>();
    let cutOff = 0;
    const refusals: string[] = [];
    let killed = false;
    let nextIndex = 0;
    // A client as it should be written: on a connection error it retries with the same Idempotency-Key.
    const submitOne = async (index: number) => {
      const sentAt = Date.now();
      for (let attempt = 0; attempt < 60; attempt++) {
        try {
          const response = await fetch(`http://127.0.0.1:${port}/v1/jobs`, {
            method: 'POST',
            headers: { 'x-api-key': key, 'content-type': 'application/json', 'idempotency-key': `burst-${index}` },
            body: JSON.stringify({ audio_url: files.url(`/take-${index}.mp3`) }),
          });
          if (response.status === 202) accepted.set(((await response.json()) as { id: string }).id, sentAt);
          else refusals.push(`${response.status} ${await response.text()}`);
          return;
        } catch {
          cutOff++;
          await sleep(250);
        }
      }
    };
    // Workers take submissions in order; one SIGKILL lands a third of the way in, then the API restarts.
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (nextIndex < SUBMISSIONS) {
          const index = nextIndex++;
          if (!killed && index >= SUBMISSIONS / 3) {
            killed = true;
            await api.crash();
            api = await startApi();
          }
          await submitOne(index);
        }
      }),
    );

    const outcome = await settle(harness, accepted, 180_000);
    // Jobs recorded beyond those answered 202: a cut-off attempt that created one and its retry another.
    const recorded = await harness.mongo.collection('jobs').countDocuments({});
    const duplicates = recorded - accepted.size;
    reportFaults('api-kill', {
      submissions: SUBMISSIONS,
      accepted: accepted.size,
      connection_errors_retried: cutOff,
      refused: refusals.length,
      jobs: outcome.jobs,
      completed: outcome.completed,
      lost: outcome.lost,
      duplicate_side_effects: duplicates,
      p50_delay_s: outcome.p50DelayS,
      p99_delay_s: outcome.p99DelayS,
    });
    expect(refusals).toEqual([]);
    expect(cutOff).toBeGreaterThan(0);
    expect(accepted.size).toBe(SUBMISSIONS);
    expect(duplicates).toBe(0);
    expect(outcome.records.length).toBe(accepted.size);
    expect(outcome.lost).toBe(0);
    expect(outcome.completed).toBe(accepted.size);
  });
});
