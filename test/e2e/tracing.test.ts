import { startAppProcess, type AppProcess } from '../support/app-process';
import { speechRecording } from '../support/audio-fixtures';
import { startFileServer, type FileServer } from '../support/file-server';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver';
import { startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';
import { freePort } from '../support/test-env';
import { waitUntil } from '../support/wait-until';

describe('OpenTelemetry tracing (production build, API and worker processes)', () => {
  let receiver: OtlpReceiver;
  let harness: PipelineHarness;
  let files: FileServer;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    harness = await startPipelineHarness(
      { NODE_ENV: 'production', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      { inProcessWorker: false },
    );
    files = await startFileServer({ '/talk.mp3': { file: await speechRecording(20) } });
  });

  afterAll(async () => {
    for (const app of apps) await app.stop();
    await files?.close();
    await harness?.close();
    await receiver?.close();
  });

  it('follows one job from the API through its workflow to each activity in one trace', async () => {
    const port = await freePort();
    const api = startAppProcess('api', { ...harness.env, PORT: String(port) });
    const worker = startAppProcess('worker', harness.env);
    apps.push(api, worker);
    await Promise.all([api.waitForOutput(/Voxflow API listening/), worker.waitForOutput(/Voxflow worker polling/)]);
    const { key } = await harness.createApiKey('traced');

    const submitted = await fetch(`http://127.0.0.1:${port}/v1/jobs`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ audio_url: files.url('/talk.mp3') }),
    });
    expect(submitted.status).toBe(202);
    const { id: jobId } = (await submitted.json()) as { id: string };
    expect((await harness.waitForJob(jobId)).status).toBe('completed');

    const start = await waitUntil(
      'the API exported the workflow start',
      () => receiver.spans.find((s) => s.service === 'voxflow-api' && s.name === 'StartWorkflow:transcriptionJob'),
      15_000,
    );
    const inTrace = () => receiver.spans.filter((s) => s.traceId === start.traceId);
    await waitUntil(
      'the worker exported workflow and activity spans in the same trace',
      () =>
        inTrace().some((s) => s.name === 'RunWorkflow:transcriptionJob') &&
        inTrace().some((s) => s.name === 'RunActivity:transcribeChunk') &&
        inTrace().some((s) => s.name === 'RunActivity:mergeAndStore'),
      15_000,
    );
    const workflowSpan = inTrace().find((s) => s.name === 'RunWorkflow:transcriptionJob')!;
    expect(workflowSpan.service).toBe('voxflow-worker');
    // Spans link up: every span of the trace but the root has its parent in the trace.
    const ids = new Set(inTrace().map((s) => s.spanId));
    const orphans = inTrace().filter((s) => s.parentSpanId && !ids.has(s.parentSpanId));
    expect(orphans.map((s) => s.name)).toEqual([]);
  });
});
