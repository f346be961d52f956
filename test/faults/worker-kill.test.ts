import { setTimeout as sleep } from 'node:timers/promises';
import { startAppProcess, type AppProcess } from '../support/app-process';
import type { FileServer } from '../support/file-server';
import { waitUntil } from '../support/wait-until';
import { startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';
import { ChunkWatcher, chunkDuplicates, reportFaults, settle, serveRecordings } from './fault-support';

const JOBS = 12;
const KILLS = 5;

describe('faults: the worker SIGKILLed again and again during a batch', () => {
  let harness: PipelineHarness;
  let files: FileServer;
  const workers: AppProcess[] = [];

  beforeAll(async () => {
    harness = await startPipelineHarness({}, { inProcessWorker: false });
    files = await serveRecordings(JOBS, 40);
  });

  afterAll(async () => {
    for (const worker of workers) await worker.crash().catch(() => undefined);
    await files?.close();
    await harness?.close();
  });

  const startWorker = async () => {
    // Production mode: the prebuilt workflow bundle, so a restart takes a second, not a webpack build.
    const worker = startAppProcess('worker', { ...harness.env, NODE_ENV: 'production' });
    workers.push(worker);
    await worker.waitForOutput(/Voxflow worker polling/);
    return worker;
  };

  it('completes every job, transcribing no stored chunk twice', async () => {
    // Calls take 3 s, so kills land on transcriptions in flight as well as on downloads and chunking.
    harness.simulator.faults.update({ transcriptions: { latencyMs: 3_000 } });
    const calls = harness.simulator.stats.scopes.transcriptions;
    let callsCutOff = 0;
    const watcher = new ChunkWatcher(harness.config.storage.dir);
    let worker = await startWorker();
    const { tenantId } = await harness.createTenant();
    const submitted = new Map<string, number>();
    for (let i = 0; i < JOBS; i++) {
      const jobId = await harness.submit({ tenantId, source: { kind: 'url', url: files.url(`/take-${i}.mp3`) } });
      submitted.set(jobId, Date.now());
    }

    for (let kill = 0; kill < KILLS; kill++) {
      // The first kill waits for transcriptions in flight, so at least one lands on provider calls.
      if (kill === 0) await waitUntil('transcriptions in flight', () => calls.inFlight > 0, 60_000);
      else await sleep(4_000);
      callsCutOff += calls.inFlight;
      await worker.crash();
      worker = await startWorker();
    }
    const outcome = await settle(harness, submitted, 240_000);
    watcher.stop();
    const duplicates = await chunkDuplicates(harness, watcher);
    const chunks = outcome.records.reduce((sum, job) => sum + job.progress.chunksTotal, 0);

    reportFaults('worker-kill', {
      jobs: outcome.jobs,
      kills: KILLS,
      calls_in_flight_at_kills: callsCutOff,
      completed: outcome.completed,
      chunks,
      provider_calls: calls.ok,
      lost: outcome.lost,
      duplicate_side_effects: duplicates,
      p50_delay_s: outcome.p50DelayS,
      p99_delay_s: outcome.p99DelayS,
    });
    expect(watcher.chunksSeen()).toBe(chunks);
    expect(callsCutOff).toBeGreaterThan(0);
    expect(outcome.lost).toBe(0);
    expect(outcome.completed).toBe(JOBS);
    expect(duplicates).toBe(0);
  });
});
