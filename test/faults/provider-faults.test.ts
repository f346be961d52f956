import { setTimeout as sleep } from 'node:timers/promises';
import type { SimulatorConfigPatch } from '../../apps/simulator/faults';
import type { FileServer } from '../support/file-server';
import { startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';
import { waitUntil } from '../support/wait-until';
import { ChunkWatcher, chunkDuplicates, reportFaults, settle, serveRecordings } from './fault-support';

const JOBS_PER_FAULT = 8;

describe('faults: the provider misbehaves during a batch', () => {
  let harness: PipelineHarness;
  let files: FileServer;
  let next = 0;

  beforeAll(async () => {
    // A 2 s request timeout, so "slower than the timeout" costs seconds here, not the default 10 minutes.
    // Chunk results stay after their job, so that a chunk transcribed twice can be told by its stored time.
    harness = await startPipelineHarness({ PROVIDER_TIMEOUT_SECONDS: '2', CHUNK_RETENTION_HOURS: '1' });
    files = await serveRecordings(4 * JOBS_PER_FAULT, 20);
  });

  afterEach(() => harness.simulator.faults.reset());

  afterAll(async () => {
    await files?.close();
    await harness?.close();
  });

  /** Submits a batch under `faults`, runs `during` while it is in flight, and judges it. */
  async function batch(name: string, faults: SimulatorConfigPatch, during: () => Promise<void> = async () => {}) {
    harness.simulator.faults.update(faults);
    const watcher = new ChunkWatcher(harness.config.storage.dir);
    const { tenantId } = await harness.createTenant();
    const submitted = new Map<string, number>();
    for (let i = 0; i < JOBS_PER_FAULT; i++) {
      const url = files.url(`/take-${next++}.mp3`);
      const jobId = await harness.submit({ tenantId, source: { kind: 'url', url }, translateTo: ['es'] });
      submitted.set(jobId, Date.now());
    }
    await during();
    const outcome = await settle(harness, submitted, 180_000);
    watcher.stop();
    const duplicates = await chunkDuplicates(harness, watcher);
    const { transcriptions, chat } = harness.simulator.stats.scopes;
    const { requests, ok } = transcriptions;
    const failedAnswers = requests - ok + chat.requests - chat.ok;
    reportFaults(name, {
      jobs: outcome.jobs,
      completed: outcome.completed,
      failed: outcome.failed,
      transcription_requests: requests,
      answered_ok: ok,
      failed_answers: failedAnswers,
      lost: outcome.lost,
      duplicate_side_effects: duplicates,
      p50_delay_s: outcome.p50DelayS,
      p99_delay_s: outcome.p99DelayS,
    });
    expect(outcome.lost).toBe(0);
    expect(duplicates).toBe(0);
    harness.simulator.stats.reset();
    return { ...outcome, requests, ok, failedAnswers };
  }

  it('20 % of requests answer 5xx: every job completes', async () => {
    const outcome = await batch('provider-5xx', {
      transcriptions: { errorRate: 0.2, errorStatus: 503 },
      chat: { errorRate: 0.2, errorStatus: 500 },
    });
    expect(outcome.completed).toBe(JOBS_PER_FAULT);
    // The rate is drawn from one seeded sequence for both scopes (its 5th draw fails), in whatever order the
    // requests come: some answers failed, though not always a transcription's.
    expect(outcome.failedAnswers).toBeGreaterThan(0);
  });

  it('a 429 storm with Retry-After: every job completes', async () => {
    const outcome = await batch('provider-429-storm', {
      transcriptions: { rateLimitNext: 3 * JOBS_PER_FAULT, retryAfterS: 1 },
      chat: { rateLimitNext: JOBS_PER_FAULT, retryAfterS: 1 },
    });
    expect(outcome.completed).toBe(JOBS_PER_FAULT);
  });

  /** Applies `patch` from the first transcription request on, for `ms`. */
  const window = (patch: SimulatorConfigPatch, ms: number) => async () => {
    await waitUntil(
      'the first transcription request',
      () => harness.simulator.stats.scopes.transcriptions.requests > 0,
      60_000,
    );
    harness.simulator.faults.update(patch);
    await sleep(ms);
    harness.simulator.faults.reset();
  };

  it('answers slower than the request timeout for a while: every job completes', async () => {
    const outcome = await batch('provider-slow', {}, window({ transcriptions: { hangMs: 5_000 } }, 5_000));
    expect(outcome.completed).toBe(JOBS_PER_FAULT);
    // Requests that timed out were abandoned and sent again.
    expect(outcome.requests).toBeGreaterThan(outcome.ok);
  });

  it('the key is revoked mid-batch: affected jobs fail with provider_auth, none is lost', async () => {
    const outcome = await batch(
      'provider-key-revoked',
      { transcriptions: { latencyMs: 300 } },
      window({ transcriptions: { invalidKey: true } }, 2_000),
    );
    const failed = outcome.records.filter((job) => job.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const job of failed) expect(job.error?.code).toBe('provider_auth');
    expect(outcome.completed + failed.length).toBe(JOBS_PER_FAULT);
  });
});
