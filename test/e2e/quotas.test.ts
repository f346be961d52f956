import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { speechRecording } from '../support/audio-fixtures';
import { runCli } from '../support/cli-process';
import { startFileServer, type FileServer } from '../support/file-server';
import { liveClient, type LiveClient } from '../support/live-client';
import { waitUntil } from '../support/wait-until';

interface Refusal {
  error: { code: string; message: string; details: { quota: string; limit: number; resets_at?: string } };
}

/** Per-tenant quotas set by the operator (`voxflow quotas set`), enforced at submission and at the live handshake. */
describe('tenant quotas', () => {
  let api: ApiHarness;
  let files: FileServer;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    api = await startApiHarness();
    files = await startFileServer({ '/talk.mp3': { file: await speechRecording(8) } });
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
    api.simulator.faults.reset();
  });

  afterAll(async () => {
    await files?.close();
    await api?.close();
  });

  const setQuotas = async (tenant: string, ...flags: string[]) => {
    const set = await runCli(['quotas', 'set', '--tenant', tenant, ...flags, '--json'], {
      MONGODB_URI: api.config.mongodb.uri,
    });
    expect(set.code).toBe(0);
    return JSON.parse(set.stdout) as { limits: Record<string, number> };
  };
  const submit = (key: string, headers: Record<string, string> = {}) =>
    api.call('/v1/jobs', { key, method: 'POST', headers, json: { audio_url: files.url('/talk.mp3') } });

  it('refuses a job past the jobs in flight with 429 quota_exceeded and Retry-After; a replay still answers', async () => {
    const { key, tenant } = await api.createApiKey(`quota-flight-${Date.now()}`);
    expect((await setQuotas(tenant, '--jobs-in-flight', '2')).limits).toMatchObject({ jobsInFlight: 2 });
    // Slow transcription keeps the first two in flight.
    api.simulator.faults.update({ transcriptions: { latencyMs: 30_000 } });
    const first = await submit(key, { 'idempotency-key': 'first' });
    expect((await submit(key)).status).toBe(202);
    expect(first.status).toBe(202);

    const refused = await submit(key);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(((await refused.json()) as Refusal).error).toMatchObject({
      code: 'quota_exceeded',
      details: { quota: 'jobs_in_flight', limit: 2 },
    });
    // A retried request names its job: the answer is that job, quota or not.
    const replay = await submit(key, { 'idempotency-key': 'first' });
    expect(replay.status).toBe(202);
    const { id } = (await first.json()) as { id: string };
    expect(((await replay.json()) as { id: string }).id).toBe(id);
    expect(await (await api.call('/v1/quotas', { key })).json()).toMatchObject({
      jobs_in_flight: { limit: 2, used: 2 },
    });

    // One ends, and there is room again.
    await api.call(`/v1/jobs/${id}/cancel`, { key, method: 'POST' });
    await waitUntil('the cancel recorded', async () => {
      const job = (await (await api.call(`/v1/jobs/${id}`, { key })).json()) as { status: string };
      return job.status === 'cancelled';
    });
    expect((await submit(key)).status).toBe(202);
  });

  it('refuses a job once the audio hours of the day are used, until UTC midnight', async () => {
    const { key, tenant } = await api.createApiKey(`quota-audio-${Date.now()}`);
    // 0.002 h is 7.2 s: one 8-second recording uses it up.
    await setQuotas(tenant, '--audio-hours-per-day', '0.002');
    const accepted = (await (await submit(key)).json()) as { id: string };
    await waitUntil('the job completed', async () => {
      const job = (await (await api.call(`/v1/jobs/${accepted.id}`, { key })).json()) as { status: string };
      return job.status === 'completed';
    });

    const refused = await submit(key);
    expect(refused.status).toBe(429);
    const { error } = (await refused.json()) as Refusal;
    expect(error).toMatchObject({ code: 'quota_exceeded', details: { quota: 'audio_hours_per_day', limit: 0.002 } });
    const resetsAt = Date.parse(error.details.resets_at!);
    expect(new Date(resetsAt).toISOString()).toMatch(/T00:00:00\.000Z$/);
    expect(Number(refused.headers.get('retry-after'))).toBe(Math.ceil((resetsAt - Date.now()) / 1000));
    // The operator lifts it: 0 is no daily limit.
    await setQuotas(tenant, '--audio-hours-per-day', '0');
    expect((await submit(key)).status).toBe(202);
  });

  it('lets a tenant run its live sessions up to its limit, however many connect at once', async () => {
    const { key, tenant } = await api.createApiKey(`quota-live-${Date.now()}`);
    await setQuotas(tenant, '--live-sessions', '2');
    const speakers = Array.from({ length: 8 }, () =>
      liveClient(api.baseUrl, '/audio-stream', { token: key, lang: 'en' }),
    );
    clients.push(...speakers);
    await waitUntil('every speaker answered', () =>
      speakers.every((speaker) => speaker.of('connected').length + speaker.of('error').length > 0),
    );
    const connected = speakers.filter((speaker) => speaker.of('connected').length > 0);
    expect(connected).toHaveLength(2);
    for (const speaker of speakers.filter((s) => !connected.includes(s)))
      expect(speaker.of('error')[0]).toMatchObject({ code: 'quota_exceeded' });
    expect(await (await api.call('/v1/quotas', { key })).json()).toMatchObject({
      live_sessions: { limit: 2, used: 2 },
    });
    // Another tenant is not affected.
    const { key: other } = await api.createApiKey(`quota-live-other-${Date.now()}`);
    const stranger = liveClient(api.baseUrl, '/audio-stream', { token: other, lang: 'en' });
    clients.push(stranger);
    await stranger.waitFor('connected');
  });

  it('shows the defaults to the operator and the tenant', async () => {
    const { key, tenant } = await api.createApiKey(`quota-show-${Date.now()}`);
    const shown = await runCli(['quotas', 'show', '--tenant', tenant], { MONGODB_URI: api.config.mongodb.uri });
    expect(shown.stdout).toMatch(/jobs in flight\s+1000 \(default\)/);
    expect(await (await api.call('/v1/quotas', { key })).json()).toEqual({
      jobs_in_flight: { limit: 1000, used: 0 },
      audio_hours_per_day: { limit: null, used: 0, resets_at: expect.stringMatching(/T00:00:00\.000Z$/) },
      live_sessions: { limit: 50, used: 0 },
    });
  });
});
