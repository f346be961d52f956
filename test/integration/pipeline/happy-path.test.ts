import type { OperationsSummary } from '../../../libs/jobs/operations-summary';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseVtt } from 'node-webvtt';
import { Webhook } from 'standardwebhooks';
import { parseSync as parseSubtitles } from 'subtitle';
import { PIPELINE } from '../../../libs/contracts/pipeline';
import { SEARCH_ATTRIBUTES } from '../../../libs/contracts/temporal';
import { jobKeys } from '../../../libs/storage/local-storage';
import { CUE_LIMITS } from '../../../libs/transcripts/cues';
import { exportTranscript } from '../../../libs/transcripts/export-formats';
import { speechRecording } from '../../support/audio-fixtures';
import { recordHistoryIfAsked } from '../../support/histories';
import { startFileServer, type FileServer } from '../../support/file-server';
import { startPipelineHarness, type PipelineHarness } from '../../support/pipeline-harness';
import { freePort } from '../../support/test-env';
import { waitUntil } from '../../support/wait-until';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

function expectCueRules(cues: { start: number; end: number; text: string }[]) {
  expect(cues.length).toBeGreaterThan(0);
  for (const [i, cue] of cues.entries()) {
    const lines = cue.text.split('\n');
    expect(lines.length).toBeLessThanOrEqual(CUE_LIMITS.maxLines);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(CUE_LIMITS.maxLineChars);
    expect(cue.end - cue.start).toBeLessThanOrEqual(CUE_LIMITS.maxDurationS * 1000 + 1);
    if (i > 0) expect(cue.start).toBeGreaterThanOrEqual(cues[i - 1]!.end);
  }
}

const run = promisify(execFile);

/**
 * The job's step times, which run one after another inside the job, add up to no more than its total: a
 * combined activity's later step is split off its stage's time, not counted twice.
 */
function expectStepTimesWithinTotal(timings: Record<string, number>, steps: string[]) {
  for (const step of steps) expect({ step, ms: timings[step] }).toEqual({ step, ms: expect.any(Number) });
  expect(steps.reduce((sum, step) => sum + timings[step]!, 0)).toBeLessThanOrEqual(timings.total!);
}

describe('transcriptionJob: happy path', () => {
  let harness: PipelineHarness;
  let files: FileServer;
  let receiver: WebhookReceiver;
  let metricsPort: number;
  let largeWav: string;

  beforeAll(async () => {
    metricsPort = await freePort();
    harness = await startPipelineHarness({ WORKER_METRICS_PORT: String(metricsPort) });
    // 48 kHz stereo PCM: 200 s is above the size up to which a download is chunked in the same activity.
    largeWav = join(mkdtempSync(join(tmpdir(), 'voxflow-happy-')), 'large.wav');
    await run('ffmpeg', ['-v', 'error', '-i', await speechRecording(200, 'wav'), '-ar', '48000', '-ac', '2', largeWav]);
    files = await startFileServer({
      '/talk.mp3': { file: await speechRecording(180) },
      '/short.mp3': { file: await speechRecording(20) },
      '/large.wav': { file: largeWav },
    });
    expect(statSync(largeWav).size).toBeGreaterThan(PIPELINE.prepareWithDownloadMaxBytes);
    receiver = await startWebhookReceiver([200]);
  });

  afterAll(async () => {
    await receiver?.close();
    await files?.close();
    await harness?.close();
  });

  it('transcribes a multi-chunk recording, translates it twice, stores, exports and signs the webhook', async () => {
    const { tenantId, secret } = await harness.createTenant();
    const jobId = await harness.submit({
      tenantId,
      source: { kind: 'url', url: files.url('/talk.mp3') },
      translateTo: ['es', 'fr'],
      webhookUrl: receiver.url,
    });
    const job = await harness.waitForJob(jobId);

    expect(job).toMatchObject({
      status: 'completed',
      stage: 'done',
      detectedLanguage: 'en',
      providersUsed: ['openai'],
      simulated: true,
    });
    expect(job.progress).toEqual({
      percent: 100,
      chunksDone: job.progress.chunksTotal,
      chunksTotal: job.progress.chunksTotal,
    });
    expect(job.progress.chunksTotal).toBeGreaterThan(2);
    expect(job.durationS).toBeCloseTo(180, 0);
    expect(job.usage).toEqual([
      { provider: 'openai', audioSeconds: expect.closeTo(180, 0), requests: job.progress.chunksTotal },
    ]);
    for (const stage of ['downloading', 'chunking', 'transcribing', 'merging', 'translating', 'storing', 'total']) {
      expect(job.timings[stage as keyof typeof job.timings]).toEqual(expect.any(Number));
    }

    // One provider call per chunk, temp files gone, the Temporal UI shows the final status.
    expect(harness.simulator.stats.scopes.transcriptions.ok).toBe(job.progress.chunksTotal);
    expect(existsSync(harness.storage.path(jobKeys.work(jobId)))).toBe(false);
    const description = await harness.client.workflow.getHandle(jobId).describe();
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.status)).toBe('completed');
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.tenant)).toBe(tenantId);
    expect(description.memo).toMatchObject({ source: files.url('/talk.mp3') });

    // The original: in order, monotonic, covering the recording.
    const original = (await harness.transcripts.load(jobId, 'en'))!;
    expect(original.segments.length).toBeGreaterThan(10);
    for (let i = 1; i < original.segments.length; i++) {
      expect(original.segments[i]!.start).toBeGreaterThanOrEqual(original.segments[i - 1]!.end);
    }
    for (let i = 1; i < original.words.length; i++)
      expect(original.words[i]!.start).toBeGreaterThanOrEqual(original.words[i - 1]!.start);
    expect(original.segments.at(-1)!.end).toBeGreaterThan(150);

    // Translations: aligned segment for segment with the original's timing.
    for (const language of ['es', 'fr']) {
      const translation = (await harness.transcripts.load(jobId, language))!;
      expect(translation.segments.map((s) => [s.start, s.end])).toEqual(original.segments.map((s) => [s.start, s.end]));
      expect(translation.segments.map((s) => s.text)).not.toEqual(original.segments.map((s) => s.text));
    }

    // Exports parse with independent parsers and respect the cue rules.
    for (const language of ['en', 'es']) {
      const transcript = (await harness.transcripts.load(jobId, language))!;
      const srt = parseSubtitles(exportTranscript(transcript, 'srt')).flatMap((node) =>
        node.type === 'cue' ? [node.data] : [],
      );
      expectCueRules(srt);
      const vtt = parseVtt(exportTranscript(transcript, 'vtt'), { strict: true });
      expect(vtt.valid).toBe(true);
      expectCueRules(vtt.cues.map((c) => ({ start: c.start * 1000, end: c.end * 1000, text: c.text })));
    }

    // The webhook: one delivery, Standard Webhooks signature valid for the tenant's secret.
    const [delivery] = await receiver.waitFor(1);
    const payload = new Webhook(secret).verify(delivery!.body, delivery!.headers as Record<string, string>) as {
      type: string;
      data: { job: { id: string; status: string; links: Record<string, string> } };
    };
    expect(delivery!.headers['webhook-id']).toBe(`evt_${jobId}_completed`);
    expect(payload.type).toBe('job.completed');
    expect(payload.data.job).toMatchObject({ id: jobId, status: 'completed' });
    // Tenants get the API's links only, never an operator's internal address.
    expect(Object.keys(payload.data.job.links).sort()).toEqual(['self', 'transcript']);
    const attempts = await harness.webhooks.attemptsForJob(jobId);
    expect(attempts).toEqual([expect.objectContaining({ attempt: 1, statusCode: 200, delivered: true })]);
    await harness.client.workflow.getHandle(jobId).result();
    await recordHistoryIfAsked(harness.client, jobId, 'transcription-job.completed');

    // The worker's Prometheus endpoint counted what happened.
    const metrics = await waitUntil('webhook attempt counted', async () => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return /voxflow_webhook_attempts_total\{[^}]*outcome="delivered"[^}]*\} 1\n/.test(text) && text;
    });
    expect(metrics).toMatch(/voxflow_stage_duration_seconds_count\{[^}]*stage="transcribing"[^}]*\} 1\n/);
    expect(metrics).toMatch(
      new RegExp(
        `voxflow_provider_calls_total\\{provider="openai",operation="transcribe",outcome="ok"[^}]*\\} ${job.progress.chunksTotal}\n`,
      ),
    );
    expect(metrics).toMatch(
      /voxflow_provider_calls_total\{provider="openai",operation="translate",outcome="ok"[^}]*\} [1-9]/,
    );
    expect(metrics).toMatch(/voxflow_jobs_finished_total\{[^}]*status="completed"[^}]*\} 1\n/);
    // End to end, by length of audio: three minutes of speech.
    expect(metrics).toMatch(
      /voxflow_job_duration_seconds_count\{[^}]*status="completed",audio_minutes="1-10"[^}]*\} 1\n/,
    );
    expect(metrics).toMatch(/voxflow_storage_bytes\{state="used"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/voxflow_memory_limit_bytes\{[^}]*\} [1-9]/);
    expect(await (await fetch(`http://127.0.0.1:${metricsPort}/health`)).json()).toEqual({
      status: 'ok',
      service: 'voxflow-worker',
      version: expect.any(String),
      commit: expect.stringMatching(/^([0-9a-f]{12}|unknown)$/),
    });
    // The operator's summary across tenants, on the same port.
    const summary = (await (await fetch(`http://127.0.0.1:${metricsPort}/summary`)).json()) as OperationsSummary;
    expect(summary).toMatchObject({ scope: 'all', webhook_failures_last_hour: 0, errors_last_hour: {} });
    expect(summary.jobs.completed_last_hour).toBeGreaterThanOrEqual(1);
    expect(await (await fetch(`http://127.0.0.1:${metricsPort}/health/ready`)).json()).toEqual({
      status: 'ok',
      worker: 'running',
    });
  });

  it('runs a short job without translations, every step reporting its own time', async () => {
    const { tenantId } = await harness.createTenant();
    // The recording is English: asking for English asks for no translation.
    const jobId = await harness.submit({
      tenantId,
      source: { kind: 'url', url: files.url('/short.mp3') },
      translateTo: ['en'],
    });
    const job = await harness.waitForJob(jobId);
    expect(job).toMatchObject({ status: 'completed', detectedLanguage: 'en', progress: { chunksTotal: 1 } });
    expect(job.usage).toEqual([{ provider: 'openai', audioSeconds: expect.closeTo(20, 0), requests: 1 }]);
    expect(await harness.transcripts.load(jobId, 'en')).toMatchObject({ language: 'en' });
    expect(existsSync(harness.storage.path(jobKeys.work(jobId)))).toBe(false);
    // Every step still reports its own time, measured inside the combined activities.
    expectStepTimesWithinTotal(job.timings, ['downloading', 'chunking', 'transcribing', 'merging', 'storing']);
    expect(job.timings).not.toHaveProperty('translating');
  });

  it('chunks a download above the combined-step size as a step of its own', async () => {
    const { tenantId } = await harness.createTenant();
    const jobId = await harness.submit({ tenantId, source: { kind: 'url', url: files.url('/large.wav') } });
    const job = await harness.waitForJob(jobId);
    expect(job).toMatchObject({ status: 'completed', source: { bytes: statSync(largeWav).size } });
    expect(job.durationS).toBeCloseTo(200, 0);
    expectStepTimesWithinTotal(job.timings, ['downloading', 'chunking', 'transcribing', 'merging', 'storing']);
  });
});
