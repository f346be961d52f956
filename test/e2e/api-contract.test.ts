import pino from 'pino';
import { Writable } from 'node:stream';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { speechRecording } from '../support/audio-fixtures';
import { startFileServer, type FileServer } from '../support/file-server';

describe('API contract: authentication and input validation', () => {
  let api: ApiHarness;
  let files: FileServer;
  let key: string;
  const devKey = `vfk_${'d'.repeat(40)}`;
  const logLines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    // The API's real JSON logs, captured, so the test can read what ops would read.
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    api = await startApiHarness({ VOXFLOW_DEV_API_KEY: devKey }, { logger: pino({ level: 'info' }, sink) });
    files = await startFileServer({ '/talk.mp3': { file: await speechRecording(20) } });
    ({ key } = await api.tenant());
  });

  afterAll(async () => {
    await files?.close();
    await api?.close();
  });

  const errorOf = async (response: Response) =>
    ((await response.json()) as { error: { code: string; message: string; details?: unknown } }).error;

  describe('authentication', () => {
    it('refuses a missing or unknown key with 401 and the error shape', async () => {
      const missing = await api.call('/v1/jobs');
      expect(missing.status).toBe(401);
      expect(await errorOf(missing)).toEqual({
        code: 'unauthorized',
        message: expect.stringContaining('API key is required'),
      });
      const unknown = await api.call('/v1/jobs', { key: `vfk_${'x'.repeat(40)}` });
      expect(unknown.status).toBe(401);
    });

    it('accepts the key as x-api-key or as a Bearer token', async () => {
      expect((await api.call('/v1/jobs', { key })).status).toBe(200);
      expect((await api.call('/v1/jobs', { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    });

    it('seeds VOXFLOW_DEV_API_KEY as a working key outside production', async () => {
      expect((await api.call('/v1/jobs', { key: devKey })).status).toBe(200);
    });

    it('logs each request as JSON with its request id, tenant and job id', async () => {
      const tenant = await api.tenant();
      const response = await api.call('/v1/jobs/job_00000000000000000000000000', {
        key: tenant.key,
        headers: { 'x-request-id': 'req-log-check' },
      });
      expect(response.status).toBe(404);
      expect(response.headers.get('x-request-id')).toBe('req-log-check');
      const line = logLines.find((entry) => (entry.req as { id?: string } | undefined)?.id === 'req-log-check');
      expect(line).toMatchObject({
        tenant: tenant.tenantId,
        job_id: 'job_00000000000000000000000000',
        res: { statusCode: 404 },
      });
      expect(JSON.stringify(logLines)).not.toContain(tenant.key);
    });

    it('leaves health, metrics and docs public', async () => {
      expect((await api.call('/health')).status).toBe(200);
      expect((await api.call('/metrics')).status).toBe(200);
      const docs = await api.call('/docs/openapi.json');
      expect(docs.status).toBe(200);
      expect(Object.keys(((await docs.json()) as { paths: object }).paths)).toEqual(
        expect.arrayContaining([
          '/v1/jobs',
          '/v1/jobs/{id}',
          '/v1/jobs/{id}/transcript',
          '/v1/translations',
          '/v1/usage',
        ]),
      );
    });
  });

  describe('POST /v1/jobs refuses bad input with the right status', () => {
    const cases: [string, RequestInit & { json?: unknown }, number, string | RegExp][] = [
      [
        'malformed JSON',
        { method: 'POST', body: '{"audio_url":', headers: { 'content-type': 'application/json' } },
        400,
        /not valid JSON/,
      ],
      [
        'an unknown field',
        { method: 'POST', json: { audio_url: 'https://example.com/a.mp3', colour: 'red' } },
        400,
        /unknown field "colour"/,
      ],
      ['no source', { method: 'POST', json: { language: 'en' } }, 400, /audio_url is required/],
      [
        'an unsupported language',
        { method: 'POST', json: { audio_url: 'https://example.com/a.mp3', language: 'xx' } },
        400,
        /supported languages: ar, ca/,
      ],
      [
        'too many translations',
        {
          method: 'POST',
          json: { audio_url: 'https://example.com/a.mp3', translate_to: ['es', 'fr', 'de', 'it', 'pt', 'nl'] },
        },
        400,
        /translate_to/,
      ],
      [
        'oversized metadata',
        { method: 'POST', json: { audio_url: 'https://example.com/a.mp3', metadata: { note: 'x'.repeat(5000) } } },
        400,
        /metadata/,
      ],
      [
        'a private audio_url',
        { method: 'POST', json: { audio_url: 'http://10.0.0.7/a.mp3' } },
        422,
        /audio_url is not allowed: refused/,
      ],
      [
        'a metadata-service audio_url',
        { method: 'POST', json: { audio_url: 'http://169.254.169.254/latest' } },
        422,
        /not allowed/,
      ],
      ['a non-http scheme', { method: 'POST', json: { audio_url: 'file:///etc/passwd' } }, 422, /only http and https/],
      [
        'a private webhook_url',
        { method: 'POST', json: { audio_url: 'http://127.0.0.1:9/a.mp3', webhook_url: 'http://[::1]/hook' } },
        422,
        /webhook_url is not allowed/,
      ],
      [
        'an audio_url host that does not resolve',
        { method: 'POST', json: { audio_url: 'https://no-such-host.invalid/a.mp3' } },
        422,
        /does not resolve/,
      ],
      [
        'retention "none" without a webhook_url',
        { method: 'POST', json: { audio_url: 'https://example.com/a.mp3', retention: 'none' } },
        400,
        /retention "none" needs a webhook_url/,
      ],
      [
        'a text body',
        { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } },
        415,
        /application\/json/,
      ],
    ];

    it.each(cases)('%s', async (_name, init, status, message) => {
      const response = await api.call('/v1/jobs', { key, ...init });
      expect(response.status).toBe(status);
      expect((await errorOf(response)).message).toMatch(message);
    });

    it('names each invalid field in details', async () => {
      const response = await api.call('/v1/jobs', { key, method: 'POST', json: { audio_url: 5, priority: 'urgent' } });
      expect(response.status).toBe(400);
      const { details } = await errorOf(response);
      expect(details).toEqual(
        expect.arrayContaining([
          { field: 'audio_url', message: expect.stringContaining('string') },
          { field: 'priority', message: expect.stringContaining('priority must be one of') },
        ]),
      );
    });

    it('accepts a valid job with 202 and the documented shape', async () => {
      const response = await api.call('/v1/jobs', {
        key,
        method: 'POST',
        json: { audio_url: files.url('/talk.mp3'), translate_to: ['es'] },
      });
      expect(response.status).toBe(202);
      const body = (await response.json()) as { id: string; status: string; links: Record<string, string> };
      expect(body).toEqual({
        id: expect.stringMatching(/^job_/),
        status: 'queued',
        created_at: expect.any(String),
        links: {
          self: expect.stringContaining(`/v1/jobs/${body.id}`),
          transcript: expect.stringContaining(`/v1/jobs/${body.id}/transcript`),
        },
      });
    });
  });
});
