import type { OperationsSummary } from '../../libs/jobs/operations-summary';
import { parse as parseVtt } from 'node-webvtt';
import { Webhook } from 'standardwebhooks';
import { requestFingerprint } from '../../apps/api/jobs/job-request';
import { newId } from '../../libs/db/ids';
import { newJobRecord } from '../../libs/jobs/new-job';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { speechRecording } from '../support/audio-fixtures';
import { startFileServer, type FileServer } from '../support/file-server';
import { waitUntil } from '../support/wait-until';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

interface JobBody {
  id: string;
  status: string;
  progress: { percent: number; chunks_done: number; chunks_total: number };
  error?: { code: string };
  timings: Record<string, number>;
  usage: { provider: string; audio_seconds: number }[];
  webhook?: { deliveries: { event: string; status_code: number; delivered: boolean }[] };
}

describe('jobs API over HTTP', () => {
  let api: ApiHarness;
  let files: FileServer;
  let receiver: WebhookReceiver;
  let key: string;
  let secret: string;
  let otherKey: string;
  let tenantId: string;

  beforeAll(async () => {
    api = await startApiHarness();
    files = await startFileServer({ '/talk.mp3': { file: await speechRecording(60) } });
    receiver = await startWebhookReceiver([200]);
    ({ key, webhookSecret: secret, tenantId } = await api.tenant());
    ({ key: otherKey } = await api.tenant());
  });

  afterAll(async () => {
    await receiver?.close();
    await files?.close();
    await api?.close();
  });

  const submit = async (body: object, asKey = key, headers: Record<string, string> = {}) => {
    const response = await api.call('/v1/jobs', { key: asKey, method: 'POST', json: body, headers });
    return { status: response.status, body: (await response.json()) as { id: string; error?: { code: string } } };
  };
  const getJob = async (id: string, asKey = key) => {
    const response = await api.call(`/v1/jobs/${id}`, { key: asKey });
    return { status: response.status, body: (await response.json()) as JobBody };
  };
  const waitForStatus = (id: string, statuses: string[]) =>
    waitUntil(
      `job ${id} to reach ${statuses.join('/')}`,
      async () => {
        const { body } = await getJob(id);
        return statuses.includes(body.status) && body;
      },
      60_000,
    );

  let completedId: string;

  it('runs a job end to end: 202, progress, transcript in four formats and two languages, signed webhook', async () => {
    const { status, body } = await submit({
      audio_url: files.url('/talk.mp3'),
      translate_to: ['es'],
      webhook_url: receiver.url,
      metadata: { ref: 'A-1' },
    });
    expect(status).toBe(202);
    completedId = body.id;
    const job = await waitForStatus(body.id, ['completed', 'failed']);
    expect(job).toMatchObject({
      status: 'completed',
      progress: { percent: 100 },
      metadata: { ref: 'A-1' },
      detected_language: 'en',
    });
    expect(job.timings.total).toEqual(expect.any(Number));
    expect(job.usage).toEqual([
      { provider: 'openai', audio_seconds: expect.closeTo(60, 0), requests: expect.any(Number) },
    ]);

    const json = (await (await api.call(`/v1/jobs/${body.id}/transcript`, { key })).json()) as {
      language: string;
      segments: unknown[];
    };
    expect(json.language).toBe('en');
    expect(json.segments.length).toBeGreaterThan(3);
    const text = await api.call(`/v1/jobs/${body.id}/transcript?format=txt&lang=es`, { key });
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text.headers.get('content-language')).toBe('es');
    const srt = await (await api.call(`/v1/jobs/${body.id}/transcript?format=srt`, { key })).text();
    expect(srt).toMatch(/^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n/);
    const vtt = await (await api.call(`/v1/jobs/${body.id}/transcript?format=vtt&lang=es`, { key })).text();
    expect(parseVtt(vtt, { strict: true }).valid).toBe(true);
    const missing = await api.call(`/v1/jobs/${body.id}/transcript?lang=fr`, { key });
    expect(missing.status).toBe(404);
    expect(
      ((await missing.json()) as { error: { details: { available: string[] } } }).error.details.available.sort(),
    ).toEqual(['en', 'es']);

    const [delivery] = await receiver.waitFor(1);
    expect(() => new Webhook(secret).verify(delivery!.body, delivery!.headers as Record<string, string>)).not.toThrow();
    const withDeliveries = await waitUntil('delivery recorded on the job', async () => {
      const { body: latest } = await getJob(body.id);
      return (latest.webhook?.deliveries.length ?? 0) > 0 && latest;
    });
    expect(withDeliveries.webhook!.deliveries).toEqual([
      expect.objectContaining({ event: 'job.completed', status_code: 200, delivered: true }),
    ]);
  });

  it('answers 409 for the transcript of a job that has not finished, and for cancelling a finished one', async () => {
    api.simulator.faults.update({ transcriptions: { latencyMs: 30_000 } });
    try {
      const { body } = await submit({ audio_url: files.url('/talk.mp3') });
      const early = await api.call(`/v1/jobs/${body.id}/transcript`, { key });
      expect(early.status).toBe(409);
      expect(((await early.json()) as { error: { code: string } }).error.code).toBe('transcript_not_ready');

      const cancel = await api.call(`/v1/jobs/${body.id}/cancel`, { key, method: 'POST' });
      expect(cancel.status).toBe(202);
      expect((await waitForStatus(body.id, ['cancelled', 'completed', 'failed'])).status).toBe('cancelled');
    } finally {
      api.simulator.faults.reset();
    }
    const again = await api.call(`/v1/jobs/${completedId}/cancel`, { key, method: 'POST' });
    expect(again.status).toBe(409);
  });

  it("hides one tenant's jobs from another: read, list, cancel, delete and transcript are all 404", async () => {
    expect((await getJob(completedId, otherKey)).status).toBe(404);
    expect((await api.call(`/v1/jobs/${completedId}/transcript`, { key: otherKey })).status).toBe(404);
    expect((await api.call(`/v1/jobs/${completedId}/cancel`, { key: otherKey, method: 'POST' })).status).toBe(404);
    expect((await api.call(`/v1/jobs/${completedId}`, { key: otherKey, method: 'DELETE' })).status).toBe(404);
    const list = (await (await api.call('/v1/jobs', { key: otherKey })).json()) as { data: unknown[] };
    expect(list.data).toEqual([]);
    expect((await getJob(completedId)).body.status).toBe('completed');
  });

  it('lists newest first with cursor pagination and a status filter', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await submit({ audio_url: files.url('/talk.mp3') })).body.id);
    const first = (await (await api.call('/v1/jobs?limit=2', { key })).json()) as {
      data: { id: string }[];
      next_cursor: string;
    };
    expect(first.data.map((j) => j.id)).toEqual([ids[2], ids[1]]);
    const second = (await (await api.call(`/v1/jobs?limit=2&cursor=${first.next_cursor}`, { key })).json()) as {
      data: { id: string }[];
    };
    expect(second.data[0]!.id).toBe(ids[0]);
    const completed = (await (await api.call('/v1/jobs?status=completed&limit=100', { key })).json()) as {
      data: { status: string }[];
    };
    expect(completed.data.length).toBeGreaterThan(0);
    expect(completed.data.every((j) => j.status === 'completed')).toBe(true);
    expect((await api.call('/v1/jobs?cursor=bogus!', { key })).status).toBe(400);
    expect((await api.call('/v1/jobs?limit=500', { key })).status).toBe(400);
    for (const id of ids) await waitForStatus(id, ['completed']);
  });

  it('makes Idempotency-Key submissions produce one job, even 20 at once, and refuses a changed body', async () => {
    const idempotencyKey = `order-${Date.now()}`;
    const body = { audio_url: files.url('/talk.mp3'), metadata: { order: 7 } };
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => submit(body, key, { 'idempotency-key': idempotencyKey })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(202));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(await api.mongo.collection('jobs').countDocuments({ 'metadata.order': 7 })).toBe(1);

    const changed = await submit({ ...body, metadata: { order: 8 } }, key, { 'idempotency-key': idempotencyKey });
    expect(changed.status).toBe(422);
    expect(changed.body.error?.code).toBe('idempotency_key_reused');
    await waitForStatus(responses[0]!.body.id, ['completed']);
  });

  it('recovers an Idempotency-Key whose first request died before recording its job, or before starting it', async () => {
    const claims = api.mongo.collection<{
      _id: string;
      tenantId: string;
      requestHash: string;
      jobId: string;
      createdAt: Date;
    }>('idempotency_keys');
    const claim = (idempotencyKey: string, body: object, jobId: string) =>
      claims.insertOne({
        _id: `${tenantId}:${idempotencyKey}`,
        tenantId,
        requestHash: requestFingerprint(body),
        jobId,
        createdAt: new Date(Date.now() - 60_000),
      });

    // Killed right after claiming the key: the claim names a job that was never recorded.
    const first = { audio_url: files.url('/talk.mp3'), metadata: { crash: 'after-claim' } };
    await claim('died-after-claim', first, 'job_never_recorded');
    const taken = await submit(first, key, { 'idempotency-key': 'died-after-claim' });
    expect(taken.status).toBe(202);
    expect(taken.body.id).not.toBe('job_never_recorded');

    // Killed after recording the job, before starting its workflow: the retry starts it.
    const second = { audio_url: files.url('/talk.mp3'), metadata: { crash: 'after-record' } };
    const input = {
      jobId: newId('job'),
      tenantId,
      source: { kind: 'url' as const, url: second.audio_url },
      provider: 'openai' as const,
      fallbackProviders: [],
      translateTo: [],
      translationProvider: 'openai' as const,
      priority: 'normal' as const,
    };
    await api.jobs.create(newJobRecord(input, { metadata: second.metadata }));
    await claim('died-after-record', second, input.jobId);
    const resumed = await submit(second, key, { 'idempotency-key': 'died-after-record' });
    expect(resumed).toMatchObject({ status: 202, body: { id: input.jobId } });

    await waitForStatus(taken.body.id, ['completed']);
    await waitForStatus(input.jobId, ['completed']);
  });

  it('shows and rotates the webhook secret, keeping the old one during the grace period', async () => {
    const current = (await (await api.call('/v1/webhooks/secret', { key })).json()) as {
      secret: string;
      previous: null;
    };
    expect(current).toEqual({ secret, previous: null });
    const rotated = (await (await api.call('/v1/webhooks/secret/rotate', { key, method: 'POST' })).json()) as {
      secret: string;
      previous: string;
    };
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(secret);
    expect(rotated.previous).toBe(secret);
  });

  it('reports usage per provider and translates text synchronously', async () => {
    type Usage = { provider: string; audio_seconds: number; requests: number };
    const usage = (await (await api.call('/v1/usage', { key })).json()) as { jobs: number; providers: Usage[] };
    // The report adds up what the tenant's jobs used: at least what the listed ones did (a deleted job is not
    // listed, but what it used still counts).
    const { data } = (await (await api.call('/v1/jobs?limit=100', { key })).json()) as { data: { id: string }[] };
    const used = (
      await Promise.all(
        data.map(
          async ({ id }) => ((await (await api.call(`/v1/jobs/${id}`, { key })).json()) as { usage?: Usage[] }).usage,
        ),
      )
    ).flatMap((jobUsage) => jobUsage ?? []);
    const listedRequests = used.reduce((sum, u) => sum + u.requests, 0);
    expect(listedRequests).toBeGreaterThan(0);
    expect(usage.jobs).toBeGreaterThan(0);
    expect(usage.providers).toEqual([
      {
        provider: 'openai',
        audio_seconds: expect.any(Number),
        requests: expect.any(Number),
      },
    ]);
    expect(usage.providers[0]!.requests).toBeGreaterThanOrEqual(listedRequests);
    expect(usage.providers[0]!.audio_seconds).toBeGreaterThanOrEqual(
      used.reduce((sum, u) => sum + u.audio_seconds, 0) - 0.01,
    );
    expect((await api.call('/v1/usage?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', { key })).status).toBe(400);

    const translated = await api.call('/v1/translations', {
      key,
      method: 'POST',
      json: { text: 'Hello world.\nThe team is ready.', target_language: 'es' },
    });
    expect(translated.status).toBe(200);
    expect(await translated.json()).toEqual({
      text: 'Hola mundo.\nEl equipo es listo.',
      target_language: 'es',
      source_language: null,
      provider: 'openai',
      simulated: true,
    });
    expect(
      (await api.call('/v1/translations', { key, method: 'POST', json: { text: 'x', target_language: 'zz' } })).status,
    ).toBe(400);
  });

  it('exposes Prometheus metrics for requests and jobs', async () => {
    const metrics = await (await api.call('/metrics')).text();
    expect(metrics).toMatch(/voxflow_http_request_duration_seconds_count\{[^}]*route="\/v1\/jobs\/:id"/);
    expect(metrics).toMatch(/voxflow_jobs\{status="completed"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/voxflow_jobs_submitted_total\{source="url"[^}]*\} [1-9]/);
    // Read from Temporal's task-queue statistics: present only when the describe call succeeded.
    for (const type of ['workflow', 'activity']) {
      expect(metrics).toMatch(
        new RegExp(`voxflow_task_queue_backlog\\{task_queue="[^"]+",type="${type}"[^}]*\\} \\d+`),
      );
      expect(metrics).toMatch(
        new RegExp(`voxflow_task_queue_backlog_age_seconds\\{[^}]*type="${type}"[^}]*\\} [\\d.e-]+`),
      );
    }
  });

  it("gives a tenant's admin its operations summary, and no one else's; counts refused credentials", async () => {
    const summary = async (asKey: string) => {
      const response = await api.call('/v1/admin/summary', { key: asKey });
      expect(response.status).toBe(200);
      return (await response.json()) as OperationsSummary;
    };
    const mine = await summary(key);
    expect(mine).toMatchObject({ scope: 'tenant', queue_depth: 0, webhook_failures_last_hour: 0 });
    expect(mine.jobs.completed_last_hour).toBeGreaterThanOrEqual(1);
    expect(await summary(otherKey)).toMatchObject({
      scope: 'tenant',
      queue_depth: 0,
      jobs: { queued: 0, processing: 0, completed_last_hour: 0, failed_last_hour: 0, cancelled_last_hour: 0 },
      errors_last_hour: {},
    });
    const { key: readOnly } = await api.createApiKey(undefined, { scopes: ['jobs:read'] });
    expect((await api.call('/v1/admin/summary', { key: readOnly })).status).toBe(403);

    expect((await api.call('/v1/jobs', { key: 'vf_not_a_key' })).status).toBe(401);
    const metrics = await (await api.call('/metrics')).text();
    expect(metrics).toMatch(/voxflow_auth_failures_total\{surface="http"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/voxflow_storage_bytes\{state="available"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/voxflow_live_speaker_limit\{[^}]*\} [1-9]/);
  });
});
