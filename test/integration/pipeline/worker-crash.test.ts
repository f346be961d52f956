import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { speechRecording } from '../../support/audio-fixtures';
import { startAppProcess, type AppProcess } from '../../support/app-process';
import { startFileServer, type FileServer } from '../../support/file-server';
import { startPipelineHarness, type PipelineHarness } from '../../support/pipeline-harness';
import { waitUntil } from '../../support/wait-until';

describe('transcriptionJob survives a worker crash', () => {
  let harness: PipelineHarness;
  let files: FileServer;
  const workers: AppProcess[] = [];

  beforeAll(async () => {
    harness = await startPipelineHarness({}, { inProcessWorker: false });
    files = await startFileServer({ '/talk.mp3': { file: await speechRecording(180) } });
  });

  afterAll(async () => {
    for (const worker of workers) await worker.crash().catch(() => undefined);
    await files?.close();
    await harness?.close();
  });

  const startWorker = async () => {
    const worker = startAppProcess('worker', harness.env);
    workers.push(worker);
    await worker.waitForOutput(/Voxflow worker polling/);
    return worker;
  };

  it('completes on a new worker after SIGKILL, without paying again for chunks already transcribed', async () => {
    // One provider answer per second: chunks finish one after another, so the kill lands mid-transcription.
    harness.simulator.faults.update({ transcriptions: { rateLimitPerSecond: 1, retryAfterS: 1 } });
    const first = await startWorker();
    const { tenantId } = await harness.createTenant();
    const jobId = await harness.submit({ tenantId, source: { kind: 'url', url: files.url('/talk.mp3') } });

    const stored = await waitUntil(
      'some but not all chunks stored',
      async () => {
        const job = await harness.jobs.findById(jobId);
        const chunks = await harness.chunks.listForJob(jobId);
        return job && chunks.length >= 2 && chunks.length < job.progress.chunksTotal && chunks;
      },
      60_000,
    );
    // Fingerprints of the audio of every chunk finished before the crash (the files are still in storage).
    const prepared = stored.map((chunk) => {
      const file = harness.storage.path(`jobs/${jobId}/work/chunk-${String(chunk.index).padStart(4, '0')}.wav`);
      return createHash('sha256').update(readFileSync(file)).digest('hex');
    });
    await first.crash();
    await startWorker();
    const job = await harness.waitForJob(jobId);
    expect(job.status).toBe('completed');
    // Every chunk transcribed once: one provider request each, however many workers ran it.
    expect(job.usage.reduce((requests, usage) => requests + usage.requests, 0)).toBe(job.progress.chunksTotal);
    for (const fingerprint of prepared) expect(harness.simulator.stats.fingerprints[fingerprint]).toBe(1);
  });

  it('drains on SIGTERM: chunk calls in flight finish and none is sent again', async () => {
    for (const worker of workers.splice(0)) await worker.crash();
    harness.simulator.faults.update({ transcriptions: { rateLimitPerSecond: 0, latencyMs: 3_000 } });
    const calls = harness.simulator.stats.scopes.transcriptions;
    const callsBefore = calls.requests;
    const worker = await startWorker();
    const { tenantId } = await harness.createTenant();
    const jobId = await harness.submit({ tenantId, source: { kind: 'url', url: files.url('/talk.mp3') } });
    await waitUntil('chunk calls in flight', () => calls.inFlight > 0, 60_000);

    // SIGTERM: Nest's shutdown hooks drain the worker, then the process ends by that same signal.
    await worker.stop();
    // Every call that had started was answered and its result stored before the process exited.
    const stored = (await harness.chunks.listForJob(jobId)).length;
    expect({ stored, inFlight: calls.inFlight }).toEqual({ stored: calls.requests - callsBefore, inFlight: 0 });

    await startWorker();
    const job = await harness.waitForJob(jobId);
    expect(job.status).toBe('completed');
    expect(calls.requests - callsBefore).toBe(job.progress.chunksTotal);
  });
});
