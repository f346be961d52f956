import { speechRecording } from '../../support/audio-fixtures';
import { recordHistoryIfAsked } from '../../support/histories';
import { startFileServer, type FileServer } from '../../support/file-server';
import { startPipelineHarness, type PipelineHarness } from '../../support/pipeline-harness';

describe('transcriptionJob under provider faults', () => {
  let harness: PipelineHarness;
  let files: FileServer;
  let tenantId: string;

  beforeAll(async () => {
    harness = await startPipelineHarness();
    files = await startFileServer({ '/talk.mp3': { file: await speechRecording(120) } });
    ({ tenantId } = await harness.createTenant());
  });

  beforeEach(() => {
    harness.simulator.faults.reset();
    harness.simulator.stats.reset();
  });

  afterAll(async () => {
    await files?.close();
    await harness?.close();
  });

  const submit = (extra: Parameters<PipelineHarness['submit']>[0] extends infer T ? Partial<T> : never = {}) =>
    harness.submit({ tenantId, source: { kind: 'url', url: files.url('/talk.mp3') }, ...extra });

  it('completes through bursts of 5xx and 429 (honouring Retry-After)', async () => {
    harness.simulator.faults.update({
      transcriptions: { failNext: 3, failStatus: 502, rateLimitNext: 3, retryAfterS: 1 },
    });
    const job = await harness.waitForJob(await submit());

    expect(job.status).toBe('completed');
    const stats = harness.simulator.stats.scopes.transcriptions;
    expect(stats.errors).toEqual({ '429': 3, '502': 3 });
    expect(stats.ok).toBe(job.progress.chunksTotal);
    expect(job.providersUsed).toEqual(['openai']);
  });

  it('fails fast with provider_auth on a revoked key, without a retry storm', async () => {
    harness.simulator.faults.update({ transcriptions: { invalidKey: true } });
    const started = Date.now();
    const job = await harness.waitForJob(await submit());

    expect(job.status).toBe('failed');
    expect(job.error).toEqual({ code: 'provider_auth', message: expect.stringContaining('401') });
    expect(Date.now() - started).toBeLessThan(15_000);
    // At most one attempt per chunk: 401 is not retried.
    expect(harness.simulator.stats.scopes.transcriptions.requests).toBeLessThanOrEqual(job.progress.chunksTotal);
    const description = await harness.client.workflow.getHandle(job._id).describe();
    expect(description.status.name).toBe('FAILED');
    await recordHistoryIfAsked(harness.client, job._id, 'transcription-job.failed-provider-auth');
  });

  it('falls back to the next provider when the primary is down, and records which one worked', async () => {
    harness.simulator.faults.update({ transcriptions: { errorRate: 1, errorStatus: 503 } });
    const job = await harness.waitForJob(await submit({ provider: 'openai', fallbackProviders: ['deepgram'] }));

    expect(job.status).toBe('completed');
    expect(job.providersUsed).toEqual(['deepgram']);
    expect(job.usage).toEqual([expect.objectContaining({ provider: 'deepgram', requests: job.progress.chunksTotal })]);
    expect(harness.simulator.stats.scopes.listen.ok).toBe(job.progress.chunksTotal);
    // Each chunk gave the primary at most its 4 quick attempts before falling back.
    expect(harness.simulator.stats.scopes.transcriptions.requests).toBeLessThanOrEqual(4 * job.progress.chunksTotal);
    await recordHistoryIfAsked(harness.client, job._id, 'transcription-job.provider-fallback');
  });

  it('repairs translations whose line count comes back wrong instead of misaligning them', async () => {
    harness.simulator.faults.update({ chat: { misalignNext: 2 } });
    const job = await harness.waitForJob(await submit({ translateTo: ['de'] }));

    expect(job.status).toBe('completed');
    const original = (await harness.transcripts.load(job._id, 'en'))!;
    const german = (await harness.transcripts.load(job._id, 'de'))!;
    expect(german.segments).toHaveLength(original.segments.length);
    expect(german.segments.every((s) => s.text.length > 0)).toBe(true);
    expect(harness.simulator.stats.scopes.chat.requests).toBeGreaterThan(1);
  });
});
