import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { SCOPES, type Scope } from '../../libs/auth/scopes';
import { startAppProcess, type AppProcess } from '../support/app-process';
import { speechRecording } from '../support/audio-fixtures';
import { startFileServer, type FileServer } from '../support/file-server';
import { startJwksServer, type JwksServer } from '../support/jwks-server';
import { liveClient, type LiveClient } from '../support/live-client';
import { startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';
import { freePort } from '../support/test-env';
import { startTripwire, type Tripwire } from '../support/tripwire';
import { waitUntil } from '../support/wait-until';
import { hostileUrls } from './hostile-urls';
import { SecurityTally } from './security-tally';

const MAX_UPLOAD_BYTES = 1024 * 1024;
/** 127.0.0.2 stands in for the public internet: the only address server-side fetches may reach here. */
const PUBLIC_STAND_IN = '127.0.0.2';

interface Answer {
  status: number;
  body: { id?: string; error?: { code: string; message: string }; [key: string]: unknown };
  headers: Headers;
}

describe('security suite: hostile input against the running API and worker', () => {
  const tally = new SecurityTally();
  let harness: PipelineHarness;
  let api: AppProcess;
  let baseUrl: string;
  let tripwire: Tripwire;
  let publicFiles: FileServer;
  let jwks: JwksServer;
  let keyA: string;
  let keyB: string;
  let tenantA: string;
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    tripwire = await startTripwire();
    jwks = await startJwksServer();
    const speech = await speechRecording(8);
    publicFiles = await startFileServer(
      {
        '/talk.mp3': { file: speech },
        '/page.html': { text: '<html><body>not audio</body></html>' },
        '/to-loopback': { redirect: `http://127.0.0.1:${tripwire.port}/talk.mp3` },
        '/to-ipv6-loopback': { redirect: `http://[::1]:${tripwire.port}/talk.mp3` },
        '/to-metadata': { redirect: 'http://169.254.169.254/latest/meta-data/' },
        '/to-file': { redirect: 'file:///etc/passwd' },
      },
      PUBLIC_STAND_IN,
    );
    harness = await startPipelineHarness({
      OUTBOUND_ALLOW_CIDRS: `${PUBLIC_STAND_IN}/32`,
      MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
      UPLOAD_IDLE_TIMEOUT_SECONDS: '2',
      AUTH_JWKS_URL: jwks.url,
      AUTH_ISSUER: jwks.issuer,
      AUTH_AUDIENCE: jwks.audience,
    });
    const port = await freePort();
    api = startAppProcess('api', { ...harness.env, PORT: String(port) });
    await api.waitForOutput(/Voxflow API listening/);
    baseUrl = `http://127.0.0.1:${port}`;
    const a = await harness.createApiKey('security-a');
    ({ key: keyA, tenantId: tenantA } = a);
    ({ key: keyB } = await harness.createApiKey('security-b'));
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    const alive = api?.child.exitCode === null && api.child.signalCode === null;
    if (api && !alive) tally.crashes++;
    process.stdout.write(`\n${tally.summary()}\n`);
    for (const failure of tally.failures) process.stdout.write(`  not refused correctly: ${failure}\n`);
    await api?.stop();
    await harness?.close();
    await Promise.all([tripwire?.close(), publicFiles?.close(), jwks?.close()]);
    expect(tally.crashes).toBe(0);
  });

  async function call(path: string, init: RequestInit & { key?: string | null; json?: unknown } = {}): Promise<Answer> {
    const { key, json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (key) headers.set('x-api-key', key);
    if (json !== undefined) headers.set('content-type', 'application/json');
    const response = await fetch(`${baseUrl}${path}`, {
      ...rest,
      headers,
      body: json !== undefined ? JSON.stringify(json) : rest.body,
    });
    tally.observe(response.status);
    const text = await response.text();
    return { status: response.status, body: parseBody(text), headers: response.headers };
  }

  const submitUrl = (audioUrl: string, extra: Record<string, unknown> = {}) =>
    call('/v1/jobs', { key: keyA, method: 'POST', json: { audio_url: audioUrl, ...extra } });

  const submitWith = (extra: Record<string, unknown>, headers: Record<string, string>) =>
    call('/v1/jobs', {
      key: keyA,
      method: 'POST',
      headers,
      json: { audio_url: publicFiles.url('/talk.mp3'), ...extra },
    });

  /**
   * A key refused as not valid: 401, or 429 once this address has failed authentication too often (a brute
   * force case before this one); a valid key never meets that limit.
   */
  const refusedKey = ({ status, body }: Pick<Answer, 'status' | 'body'>) =>
    status === 401 || (status === 429 && /failed authentication/.test(body.error?.message ?? ''));

  const upload = (file: Blob, filename = 'talk.mp3') => {
    const form = new FormData();
    form.set('file', file, filename);
    return call('/v1/jobs', { key: keyA, method: 'POST', body: form });
  };

  const finished = (id: string) =>
    waitUntil(
      `job ${id} ended`,
      async () => {
        const job = (await call(`/v1/jobs/${id}`, { key: keyA })).body as { status: string };
        return ['completed', 'failed', 'cancelled'].includes(job.status) && job;
      },
      60_000,
    ) as Promise<{ status: string; error?: { code: string; message: string }; source?: { filename?: string } }>;

  const filesUnderStorage = (dir = harness.config.storage.dir): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? filesUnderStorage(join(dir, entry.name)) : [join(dir, entry.name)],
    );

  describe('server-side fetches are refused before any connection', () => {
    const cases = hostileUrls(0);
    it.each(cases.map((c, i) => [c.label, i] as const))('audio_url: %s', async (label, index) => {
      const hostile = hostileUrls(tripwire.port)[index]!;
      await tally.attempt(`audio_url ${label}`, async () => {
        const answer = await submitUrl(hostile.url);
        expect(answer.status).toBe(422);
        expect(answer.body.error?.code).toBe('url_not_allowed');
        expect(answer.body.error?.message).toMatch(hostile.reason);
      });
    });

    it.each(cases.map((c, i) => [c.label, i] as const))('webhook_url: %s', async (label, index) => {
      const hostile = hostileUrls(tripwire.port)[index]!;
      await tally.attempt(`webhook_url ${label}`, async () => {
        const answer = await submitUrl(publicFiles.url('/talk.mp3'), { webhook_url: hostile.url });
        expect(answer.status).toBe(422);
        expect(answer.body.error?.message).toMatch(/^webhook_url is not allowed/);
      });
    });

    it.each([
      ['a redirect to IPv4 loopback', '/to-loopback'],
      ['a redirect to IPv6 loopback', '/to-ipv6-loopback'],
      ['a redirect to the cloud metadata address', '/to-metadata'],
      ['a redirect to file:', '/to-file'],
    ])('fails the job on %s, with a reason', async (label, path) => {
      await tally.attempt(label, async () => {
        const answer = await submitUrl(publicFiles.url(path));
        expect(answer.status).toBe(202);
        const job = await finished(answer.body.id!);
        expect(job.status).toBe('failed');
        expect(job.error?.code).toBe('source_forbidden');
        expect(job.error?.message.length).toBeGreaterThan(10);
      });
    });

    it('never connected to the tripwire on any loopback address', () => {
      expect(tripwire.connections).toBe(0);
    });
  });

  describe('input abuse is refused with a clear 4xx or a failed job, and leaves nothing behind', () => {
    it('an upload over MAX_UPLOAD_BYTES: 413, no partial file', async () => {
      await tally.attempt('oversize upload', async () => {
        const before = filesUnderStorage().length;
        const answer = await upload(new Blob([randomBytes(3 * MAX_UPLOAD_BYTES)]));
        expect(answer.status).toBe(413);
        expect(answer.body.error?.code).toBe('payload_too_large');
        expect(filesUnderStorage().length).toBe(before);
      });
    });

    it('an upload that stalls: cut off after UPLOAD_IDLE_TIMEOUT_SECONDS, no partial file', async () => {
      await tally.attempt('slow upload', async () => {
        const before = filesUnderStorage().length;
        const started = Date.now();
        const raw = await rawRequest(
          [
            'POST /v1/jobs HTTP/1.1',
            `Host: 127.0.0.1`,
            `X-Api-Key: ${keyA}`,
            'Content-Type: multipart/form-data; boundary=b0undary',
            'Content-Length: 100000',
            '',
            '--b0undary\r\nContent-Disposition: form-data; name="file"; filename="slow.mp3"\r\n\r\nID3\u0004\u0000',
          ].join('\r\n'),
          15_000,
        );
        expect(raw).toMatch(/^HTTP\/1\.1 400/);
        expect(raw).toContain('upload_stalled');
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(filesUnderStorage().length).toBe(before);
      });
    });

    it.each([
      [
        'unterminated multipart',
        '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nunterminated',
        'multipart/form-data; boundary=xyz',
      ],
      ['multipart without a boundary', 'whatever', 'multipart/form-data'],
      [
        'multipart with no file and no audio_url',
        '--xyz\r\nContent-Disposition: form-data; name="language"\r\n\r\nen\r\n--xyz--\r\n',
        'multipart/form-data; boundary=xyz',
      ],
      ['malformed JSON', '{"audio_url": ', 'application/json'],
      ['a JSON array body', '[1,2,3]', 'application/json'],
      ['an unsupported content type', 'audio_url=http://x', 'text/plain'],
      [
        'a multipart field named __proto__',
        '--xyz\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\nx\r\n--xyz\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\ny\r\n--xyz--\r\n',
        'multipart/form-data; boundary=xyz',
      ],
    ])('%s: 4xx', async (label, body, contentType) => {
      await tally.attempt(label, async () => {
        const answer = await call('/v1/jobs', {
          key: keyA,
          method: 'POST',
          headers: { 'content-type': contentType },
          body,
        });
        expect([400, 415]).toContain(answer.status);
        expect(answer.body.error?.message).toBeTruthy();
      });
    });

    it.each([
      ['a JSON body over 64 KB', { metadata: { blob: 'x'.repeat(70_000) } }, 413],
      ['metadata over 4 KB', { metadata: { blob: 'x'.repeat(5_000) } }, 400],
      ['metadata nested 40 levels deep', { metadata: nested(40) }, 400],
      ['an unknown field', { colour: 'red' }, 400],
      ['a __proto__ key', JSON.parse('{"__proto__": {"admin": true}}') as object, 400],
      ['100 translation targets', { translate_to: Array(100).fill('es') }, 400],
      ['an unsupported language', { language: 'xx' }, 400],
      ['an audio_url of 10,000 characters', { audio_url: `http://${PUBLIC_STAND_IN}/${'a'.repeat(10_000)}` }, 400],
    ])('%s: refused', async (label, fields, status) => {
      await tally.attempt(label, async () => {
        const answer = await call('/v1/jobs', {
          key: keyA,
          method: 'POST',
          json: { audio_url: publicFiles.url('/talk.mp3'), ...fields },
        });
        expect(answer.status).toBe(status);
      });
    });

    it('a zero-byte file: 400', async () => {
      await tally.attempt('zero-byte upload', async () => {
        const answer = await upload(new Blob([]));
        expect(answer.status).toBe(400);
      });
    });

    it('path traversal and control characters in a file name: kept as a display name only', async () => {
      await tally.attempt('path traversal filename', async () => {
        const answer = await upload(new Blob([randomBytes(2048)]), '../../../../etc/cron.d/evil\r\nX-Injected: 1');
        expect(answer.status).toBe(202);
        const job = await finished(answer.body.id!);
        // Only the last path segment survives, without control characters (FormData escapes CR/LF itself).
        expect(job.source?.filename).toMatch(/^evil/);
        expect(job.source?.filename).not.toMatch(/[/\\\r\n]|\.\./);
        expect(filesUnderStorage().some((file) => /evil|cron/.test(file))).toBe(false);
      });
    });

    it.each([
      ['random bytes', () => new Blob([randomBytes(64 * 1024)])],
      [
        'an MP3 header followed by garbage',
        () => new Blob([Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000'), randomBytes(32 * 1024)]),
      ],
      ['an HTML page', () => new Blob(['<html><body>not audio</body></html>'.repeat(100)])],
    ])('corrupted or non-audio media (%s): the job fails with unsupported_media', async (label, make) => {
      await tally.attempt(`non-audio upload: ${label}`, async () => {
        const answer = await upload(make());
        expect(answer.status).toBe(202);
        const job = await finished(answer.body.id!);
        expect(job).toMatchObject({ status: 'failed', error: { code: 'unsupported_media' } });
        // One of a few stable sentences: what ffmpeg said (memory addresses, paths) stays with the operators.
        expect(job.error!.message).toMatch(
          /^(not a readable audio or video file|the audio could not be decoded|the file has no audio stream|the audio is empty \(zero length\))$/,
        );
      });
    });

    it('a URL that serves a web page instead of audio: the job fails with unsupported_media', async () => {
      await tally.attempt('non-audio URL', async () => {
        const answer = await submitUrl(publicFiles.url('/page.html'));
        const job = await finished(answer.body.id!);
        expect(job).toMatchObject({ status: 'failed', error: { code: 'unsupported_media' } });
      });
    });

    it('header injection through x-request-id: not echoed, no injected header', async () => {
      await tally.attempt('header injection (x-request-id)', async () => {
        const raw = await rawRequest(
          [
            'GET /health HTTP/1.1',
            'Host: 127.0.0.1',
            'X-Request-Id: abc%0d%0aSet-Cookie:%20pwned=1',
            'Connection: close',
            '',
            '',
          ].join('\r\n'),
          5_000,
        );
        expect(raw).toMatch(/^HTTP\/1\.1 200/);
        expect(raw).not.toMatch(/set-cookie/i);
        expect(raw).toMatch(/x-request-id: [0-9a-f-]{36}\r\n/i);
      });
    });

    it('header injection through a query parameter echoed in a header: 400', async () => {
      await tally.attempt('header injection (lang)', async () => {
        const answer = await submitUrl(publicFiles.url('/talk.mp3'));
        const id = answer.body.id!;
        await finished(id);
        const injected = await call(`/v1/jobs/${id}/transcript?format=txt&lang=es%0d%0aX-Injected:%201`, { key: keyA });
        expect(injected.status).toBe(400);
        expect(injected.headers.get('x-injected')).toBeNull();
      });
    });
  });

  describe('hardening found by probing from outside', () => {
    it.each([
      ['an operator key', { $where: 'sleep(1000)' }],
      ['a dotted path', { 'a.b': 1 }],
      ['a prototype name', { constructor: { prototype: 1 } }],
      ['a nested operator', { a: { $set: { admin: true } } }],
    ])(
      'metadata with %s: 400, and its Idempotency-Key stays free for the corrected request',
      async (label, metadata) => {
        await tally.attempt(`metadata key: ${label}`, async () => {
          const idempotencyKey = `meta-${randomBytes(6).toString('hex')}`;
          const headers = { 'idempotency-key': idempotencyKey };
          const refused = await submitWith({ metadata }, headers);
          expect([refused.status, refused.body.error?.code]).toEqual([400, 'invalid_request']);
          const corrected = await submitWith({ metadata: { ok: true } }, headers);
          expect(corrected.status).toBe(202);
        });
      },
    );

    it.each([
      [
        'an object',
        (depth: number) =>
          `{"audio_url":"https://example.com/a.mp3","metadata":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
      ],
      [
        'an array',
        (depth: number) =>
          `{"audio_url":"https://example.com/a.mp3","translate_to":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      ],
    ])('JSON nested thousands of levels deep in %s: 400 with a message of ours', async (label, body) => {
      await tally.attempt(`deep JSON (${label})`, async () => {
        const answer = await call('/v1/jobs', {
          key: keyA,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: body(5_000),
        });
        expect(answer.status).toBe(400);
        expect(answer.body.error?.message).toBe('The input is nested more than 32 levels deep.');
      });
    });

    it('a speaker sending frames of most of a megabyte is cut off by the socket layer, before any is decoded', async () => {
      await tally.attempt('live: near-1 MB frames', async () => {
        const speaker = liveClient(baseUrl, '/audio-stream', { token: keyA, lang: 'en' });
        clients.push(speaker);
        await speaker.waitFor('connected');
        // Under a megabyte as base64, as the probe sent them: only socket.io's own message cap stops these.
        const frame = randomBytes(600 * 1024).toString('base64');
        for (let i = 0; i < 20; i++) speaker.socket.emit('audio_chunk', { audio_chunk: frame });
        await waitUntil('the speaker disconnected', () => speaker.disconnectedAt, 5_000);
        // The session never saw a frame: no frame_too_large, no session_ended; the connection was simply closed.
        expect(speaker.of('error')).toEqual([]);
        expect(speaker.of('session_ended')).toEqual([]);
        expect((await call('/health/ready')).status).toBe(200);
      });
    });

    it('a speaker flooding oversize frames is answered a few times, then its session ends', async () => {
      await tally.attempt('live: oversize frame flood', async () => {
        const speaker = liveClient(baseUrl, '/audio-stream', { token: keyA, lang: 'en' });
        clients.push(speaker);
        await speaker.waitFor('connected');
        const frame = Buffer.alloc(100 * 1024);
        for (let i = 0; i < 400; i++) speaker.socket.emit('audio_chunk', frame);
        const ended = await speaker.waitFor('session_ended', () => true, 10_000);
        expect(ended).toMatchObject({ reason: 'frames_refused' });
        // One frame_too_large and one rate_limited a second at most, then the end's own error.
        expect(speaker.of('error').length).toBeLessThanOrEqual(4);
        await waitUntil('the speaker disconnected', () => speaker.disconnectedAt, 5_000);
      });
    });

    it('a viewer emitting thousands of watch events is cut off; the API stays responsive', async () => {
      const speaker = liveClient(baseUrl, '/audio-stream', { token: keyA, lang: 'en' });
      clients.push(speaker);
      const sessionId = String((await speaker.waitFor('connected')).session_id);
      await tally.attempt('live: watch flood', async () => {
        const viewer = liveClient(baseUrl, '/captions', { token: keyA });
        clients.push(viewer);
        await waitUntil('the viewer connected', () => viewer.socket.connected);
        for (let i = 0; i < 2_000; i++) viewer.socket.emit('watch', { session_id: sessionId });
        await waitUntil('the flooding viewer disconnected', () => viewer.disconnectedAt, 10_000);
        expect(viewer.of('watching').length).toBeLessThanOrEqual(5);
        expect(viewer.of('error').length).toBeLessThanOrEqual(2);
        expect((await call('/health/ready')).status).toBe(200);
        expect((await call('/v1/jobs', { key: keyB })).status).toBe(200);
      });
    });

    it.each(['/live/', '/docs'])('%s is sent with CSP, nosniff and frame headers', async (path) => {
      await tally.attempt(`security headers ${path}`, async () => {
        const answer = await call(path);
        expect(answer.status).toBe(200);
        expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'");
        expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
        expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      });
    });

    it('a key in a URL never reaches the log', async () => {
      await tally.attempt('credential in a logged URL', async () => {
        const secret = `vfk_${randomBytes(24).toString('base64url')}`;
        await call(`/live/?token=${secret}`);
        await call(`/v1/jobs?api_key=${secret}`);
        await waitUntil('the requests were logged', () => api.output().includes('api_key=REDACTED'), 5_000);
        expect(api.output()).not.toContain(secret);
      });
    });
  });

  describe('access: tenants are isolated and credentials are checked', () => {
    let jobOfA: string;
    let sessionOfA: string;

    beforeAll(async () => {
      const answer = await submitUrl(publicFiles.url('/talk.mp3'), { translate_to: ['es'] });
      jobOfA = answer.body.id!;
      await finished(jobOfA);
      const speaker = liveClient(baseUrl, '/audio-stream', { token: keyA, lang: 'en' });
      clients.push(speaker);
      sessionOfA = String((await speaker.waitFor('connected')).session_id);
    });

    it.each([
      ['read', 'GET', () => `/v1/jobs/${jobOfA}`],
      ['transcript', 'GET', () => `/v1/jobs/${jobOfA}/transcript?format=json`],
      ['translated transcript', 'GET', () => `/v1/jobs/${jobOfA}/transcript?format=srt&lang=es`],
      ['cancel', 'POST', () => `/v1/jobs/${jobOfA}/cancel`],
      ['delete', 'DELETE', () => `/v1/jobs/${jobOfA}`],
      ['live session', 'GET', () => `/v1/live-sessions/${sessionOfA}`],
      ['live session transcript', 'GET', () => `/v1/live-sessions/${sessionOfA}/transcript?format=txt`],
      ['live session delete', 'DELETE', () => `/v1/live-sessions/${sessionOfA}`],
    ])("another tenant's job or session (%s): 404, as if it did not exist", async (label, method, path) => {
      await tally.attempt(`cross-tenant ${label}`, async () => {
        const answer = await call(path(), { key: keyB, method });
        expect(answer.status).toBe(404);
      });
    });

    it("another tenant's job is not listed and still exists for its owner", async () => {
      await tally.attempt('cross-tenant list', async () => {
        const list = await call('/v1/jobs?limit=100', { key: keyB });
        expect(JSON.stringify(list.body)).not.toContain(jobOfA);
        expect((await call(`/v1/jobs/${jobOfA}`, { key: keyA })).body).toMatchObject({ status: 'completed' });
      });
    });

    it("watching another tenant's live session: not_found", async () => {
      await tally.attempt('cross-tenant watch', async () => {
        const viewer = liveClient(baseUrl, '/captions', { token: keyB });
        clients.push(viewer);
        viewer.socket.emit('watch', { session_id: sessionOfA });
        expect(await viewer.waitFor('error')).toMatchObject({ code: 'not_found' });
      });
    });

    it.each([
      ['no key', undefined],
      ['an empty key', ''],
      ['a key of the wrong shape', 'sk-123'],
      ['a JWT as an API key', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
    ])('the HTTP API with %s: 401', async (label, key) => {
      await tally.attempt(`http auth: ${label}`, async () => {
        const headers: Record<string, string> = key === undefined ? {} : { 'x-api-key': key };
        const answer = await call('/v1/jobs', { headers });
        expect(answer.status).toBe(401);
      });
    });

    const token = async (kind: string): Promise<string> => {
      const claims = { sub: 'intruder', tenant: tenantA };
      switch (kind) {
        case 'alg none':
          return jwks.unsigned(claims);
        case 'wrong issuer':
          return jwks.sign(claims, { issuer: 'https://evil.example.com/' });
        case 'wrong audience':
          return jwks.sign(claims, { audience: 'another-app' });
        case 'expired':
          return jwks.sign(claims, { expiresIn: '-5m' });
        case 'unknown kid':
          return jwks.sign(claims, { unknownKey: true });
        case 'no tenant claim':
          return jwks.sign({ sub: 'intruder' });
        default:
          return 'not.a.jwt';
      }
    };

    it.each(['alg none', 'wrong issuer', 'wrong audience', 'expired', 'unknown kid', 'no tenant claim', 'garbage'])(
      'a live connection with a JWT (%s): refused and disconnected',
      async (kind) => {
        await tally.attempt(`jwt ${kind}`, async () => {
          const client = liveClient(baseUrl, '/audio-stream', { token: await token(kind), lang: 'en' });
          clients.push(client);
          const error = await client.waitFor('error');
          expect(['auth_invalid', 'auth_expired']).toContain(error.code);
          await waitUntil('disconnect', () => client.disconnectedAt);
          expect(client.of('connected')).toEqual([]);
        });
      },
    );

    describe('sign-in JWTs on the HTTP API', () => {
      let jobOfB: string;

      beforeAll(async () => {
        const answer = await call('/v1/jobs', {
          key: keyB,
          method: 'POST',
          json: { audio_url: publicFiles.url('/talk.mp3') },
        });
        jobOfB = answer.body.id!;
      });

      it('a JWT with the scope answers as its tenant', async () => {
        const jwt = await jwks.sign({ sub: 'reader', tenant: tenantA, scope: 'openid jobs:read' });
        const answer = await call('/v1/jobs', { headers: { authorization: `Bearer ${jwt}` } });
        expect(answer.status).toBe(200);
        expect(JSON.stringify(answer.body)).not.toContain(jobOfB);
      });

      it.each([
        ['alg none', () => Promise.resolve(jwks.unsigned({ sub: 'x', tenant: tenantA, scope: 'jobs:read' }))],
        [
          'a wrong issuer',
          () => jwks.sign({ sub: 'x', tenant: tenantA, scope: 'jobs:read' }, { issuer: 'https://evil.example.com/' }),
        ],
        [
          'a wrong audience',
          () => jwks.sign({ sub: 'x', tenant: tenantA, scope: 'jobs:read' }, { audience: 'another-app' }),
        ],
        ['an expired token', () => jwks.sign({ sub: 'x', tenant: tenantA, scope: 'jobs:read' }, { expiresIn: '-5m' })],
        ['an unknown key', () => jwks.sign({ sub: 'x', tenant: tenantA, scope: 'jobs:read' }, { unknownKey: true })],
        ['no tenant claim', () => jwks.sign({ sub: 'x', scope: 'jobs:read' })],
        ['a tenant that does not exist', () => jwks.sign({ sub: 'x', tenant: 'tnt_forged', scope: 'jobs:read' })],
        ['no sub', () => jwks.sign({ tenant: tenantA, scope: 'jobs:read' })],
      ])('a JWT with %s: 401', async (label, make) => {
        const jwt = await make();
        await tally.attempt(`http jwt: ${label}`, async () => {
          expect(refusedKey(await call('/v1/jobs', { headers: { authorization: `Bearer ${jwt}` } }))).toBe(true);
        });
      });

      it("a JWT without the route's scope: 403; without Voxflow scopes it may only use live captions", async () => {
        const reader = await jwks.sign({ sub: 'reader', tenant: tenantA, scope: 'jobs:read' });
        const signedIn = await jwks.sign({ sub: 'viewer', tenant: tenantA, scope: 'openid profile' });
        for (const [label, jwt, method, path] of [
          ['jobs:read submits a job', reader, 'POST', '/v1/jobs'],
          ['no Voxflow scope lists jobs', signedIn, 'GET', '/v1/jobs'],
        ] as const) {
          await tally.attempt(`http jwt scope: ${label}`, async () => {
            const answer = await call(path, {
              method,
              headers: { authorization: `Bearer ${jwt}` },
              json: method === 'POST' ? { audio_url: publicFiles.url('/talk.mp3') } : undefined,
            });
            expect([answer.status, answer.body.error?.code]).toEqual([403, 'insufficient_scope']);
          });
        }
        expect((await call('/v1/live-sessions', { headers: { authorization: `Bearer ${signedIn}` } })).status).toBe(
          200,
        );
      });

      it("a JWT of one tenant reading another's job: 404", async () => {
        const jwt = await jwks.sign({ sub: 'reader', tenant: tenantA, scope: 'jobs:read jobs:write' });
        for (const [label, method, path] of [
          ['read', 'GET', `/v1/jobs/${jobOfB}`],
          ['transcript', 'GET', `/v1/jobs/${jobOfB}/transcript`],
          ['delete', 'DELETE', `/v1/jobs/${jobOfB}`],
        ] as const) {
          await tally.attempt(`http jwt cross-tenant ${label}`, async () => {
            expect((await call(path, { method, headers: { authorization: `Bearer ${jwt}` } })).status).toBe(404);
          });
        }
      });
    });

    it('key brute force from one address: 401s turn into 429', async () => {
      await tally.attempt('key brute force', async () => {
        const statuses: number[] = [];
        for (let i = 0; i < 40; i++)
          statuses.push((await call('/v1/jobs', { key: `vfk_${randomBytes(24).toString('base64url')}` })).status);
        expect(statuses[0]).toBe(401);
        expect(statuses.slice(-5)).toEqual(Array(5).fill(429));
      });
    });
  });

  describe('keys: scopes, revocation and expiry', () => {
    const ROUTES: [label: string, scope: Scope, method: string, path: string, json?: unknown][] = [
      ['submit a job', 'jobs:write', 'POST', '/v1/jobs', { audio_url: 'http://127.0.0.2:9/none.mp3' }],
      ['translate text', 'jobs:write', 'POST', '/v1/translations', { text: 'hello', target_language: 'es' }],
      ['list jobs', 'jobs:read', 'GET', '/v1/jobs'],
      ['read usage', 'jobs:read', 'GET', '/v1/usage'],
      ['list live sessions', 'live:watch', 'GET', '/v1/live-sessions'],
      ['read the webhook secret', 'admin', 'GET', '/v1/webhooks/secret'],
      ['list keys', 'admin', 'GET', '/v1/keys'],
      ['issue a key', 'admin', 'POST', '/v1/keys', { label: 'escalation' }],
    ];
    const keyWith = async (scopes: Scope[], options: { expiresAt?: Date } = {}) =>
      harness.createApiKey('security-a', { scopes, ...options });

    it.each(SCOPES.map((scope) => [scope]))(
      'a key with only %s: 403 on every route of another scope',
      async (scope) => {
        const { key } = await keyWith([scope]);
        for (const [label, needed, method, path, json] of ROUTES) {
          await tally.attempt(`scope ${scope}: ${label}`, async () => {
            const answer = await call(path, { key, method, json });
            if (needed === scope) expect(answer.status).not.toBe(403);
            else expect([answer.status, answer.body.error?.code]).toEqual([403, 'insufficient_scope']);
          });
        }
      },
    );

    it.each([
      ['speak with a watch-only key', '/audio-stream', 'live:watch'],
      ['watch with a speak-only key', '/captions', 'live:speak'],
    ] as const)('live: %s is refused', async (label, namespace, scope) => {
      await tally.attempt(`live scope: ${label}`, async () => {
        const { key } = await keyWith([scope]);
        const client = liveClient(baseUrl, namespace, { token: key, lang: 'en' });
        clients.push(client);
        expect(await client.waitFor('error')).toMatchObject({ code: 'insufficient_scope' });
        await waitUntil('disconnect', () => client.disconnectedAt);
      });
    });

    it('a key revoked on one API instance is refused by another within 5 s', async () => {
      const port = await freePort();
      const second = startAppProcess('api', { ...harness.env, PORT: String(port) });
      try {
        await second.waitForOutput(/Voxflow API listening/);
        const { key: admin } = await keyWith(['admin']);
        const { key, record } = await keyWith(['jobs:read']);
        const onSecond = async () => {
          const response = await fetch(`http://127.0.0.1:${port}/v1/jobs`, { headers: { 'x-api-key': key } });
          return { status: response.status, body: parseBody(await response.text()) };
        };
        await tally.attempt('revoked key on a second instance', async () => {
          expect((await onSecond()).status).toBe(200); // now cached there
          expect((await call(`/v1/keys/${record.keyId}`, { key: admin, method: 'DELETE' })).status).toBe(200);
          const revokedAt = Date.now();
          await waitUntil(
            'the second instance refuses the revoked key',
            async () => refusedKey(await onSecond()),
            10_000,
          );
          expect(Date.now() - revokedAt).toBeLessThanOrEqual(5_000);
          expect(refusedKey(await call('/v1/jobs', { key }))).toBe(true);
        });
      } finally {
        await second.stop();
      }
    });

    it('an expired key is refused', async () => {
      await tally.attempt('expired key', async () => {
        const { key } = await keyWith(['jobs:read'], { expiresAt: new Date(Date.now() + 1_500) });
        expect((await call('/v1/jobs', { key })).status).toBe(200);
        await waitUntil('the key expired', async () => refusedKey(await call('/v1/jobs', { key })), 10_000);
      });
    });

    it("another tenant's keys can be neither listed, revoked nor rotated", async () => {
      const { record: victimRecord, key: victimKey } = await keyWith(['jobs:read']);
      const victim = victimRecord.keyId;
      const { key: adminOfB } = await harness.createApiKey('security-b', { scopes: ['admin'] });
      await tally.attempt('cross-tenant key listing', async () => {
        const list = await call('/v1/keys', { key: adminOfB });
        expect(list.status).toBe(200);
        expect(JSON.stringify(list.body)).not.toContain(victim);
      });
      const attempts: [label: string, method: string, path: string][] = [
        ['revoke', 'DELETE', `/v1/keys/${victim}`],
        ['rotate', 'POST', `/v1/keys/${victim}/rotate`],
      ];
      for (const [label, method, path] of attempts) {
        await tally.attempt(`cross-tenant key ${label}`, async () => {
          expect((await call(path, { key: adminOfB, method })).status).toBe(404);
        });
      }
      expect((await call('/v1/jobs', { key: victimKey })).status).toBe(200);
    });

    it('a listing shows prefixes, never a key or its hash', async () => {
      const { key: admin } = await keyWith(['admin']);
      await tally.attempt('key listing leaks no secret', async () => {
        const list = await call('/v1/keys', { key: admin });
        const text = JSON.stringify(list.body);
        expect(text).toContain(admin.slice(0, 12));
        expect(text).not.toContain(admin);
        expect(text).not.toContain(createHash('sha256').update(admin).digest('hex'));
      });
    });
  });

  describe('viewer tokens: one session, watching only, until they expire', () => {
    let sessionOfA: string;
    let otherSessionOfA: string;
    let token: string;

    beforeAll(async () => {
      const sessions: string[] = [];
      for (let i = 0; i < 2; i++) {
        const speaker = liveClient(baseUrl, '/audio-stream', { token: keyA, lang: 'en' });
        clients.push(speaker);
        sessions.push(String((await speaker.waitFor('connected')).session_id));
      }
      [sessionOfA, otherSessionOfA] = sessions as [string, string];
      const issued = await call(`/v1/live-sessions/${sessionOfA}/viewer-tokens`, {
        key: keyA,
        method: 'POST',
        json: {},
      });
      token = (issued.body as { token: string }).token;
      // It watches the session it was issued for.
      const viewer = liveClient(baseUrl, '/captions', { token });
      clients.push(viewer);
      viewer.socket.emit('watch', { session_id: sessionOfA });
      await viewer.waitFor('watching');
    });

    it('speaking with a viewer token: insufficient_scope, disconnected', async () => {
      await tally.attempt('viewer token speaks', async () => {
        const client = liveClient(baseUrl, '/audio-stream', { token, lang: 'en' });
        clients.push(client);
        expect(await client.waitFor('error')).toMatchObject({ code: 'insufficient_scope' });
        await waitUntil('disconnect', () => client.disconnectedAt);
        expect(client.of('connected')).toEqual([]);
      });
    });

    it("watching another session of the same tenant with a session's viewer token: not_found", async () => {
      await tally.attempt('viewer token watches another session', async () => {
        const client = liveClient(baseUrl, '/captions', { token });
        clients.push(client);
        client.socket.emit('watch', { session_id: otherSessionOfA });
        expect(await client.waitFor('error')).toMatchObject({ code: 'not_found' });
        expect(client.of('watching')).toEqual([]);
      });
    });

    it('a viewer token on the HTTP API: 401', async () => {
      for (const path of ['/v1/live-sessions', `/v1/live-sessions/${sessionOfA}/transcript`, '/v1/jobs']) {
        await tally.attempt(`viewer token on ${path}`, async () => {
          const answer = await call(path, { headers: { authorization: `Bearer ${token}` } });
          expect(refusedKey(answer)).toBe(true);
        });
      }
    });

    it('an expired viewer token is refused at the handshake', async () => {
      const issued = await call(`/v1/live-sessions/${sessionOfA}/viewer-tokens`, {
        key: keyA,
        method: 'POST',
        json: {},
      });
      const expired = (issued.body as { token: string }).token;
      await harness.mongo
        .collection('viewer_tokens')
        .updateOne(
          { _id: createHash('sha256').update(expired).digest('hex') as never },
          { $set: { expiresAt: new Date(Date.now() - 1_000) } },
        );
      await tally.attempt('expired viewer token', async () => {
        const client = liveClient(baseUrl, '/captions', { token: expired });
        clients.push(client);
        expect(await client.waitFor('error')).toMatchObject({ code: 'auth_invalid' });
        await waitUntil('disconnect', () => client.disconnectedAt);
      });
    });

    it.each([
      ["another tenant's session", () => keyB, () => ({}), 404],
      ['a lifetime under a minute', () => keyA, () => ({ ttl_seconds: 30 }), 400],
      ['a lifetime over a day', () => keyA, () => ({ ttl_seconds: 90_000 }), 400],
    ] as const)('issuing a viewer token for %s is refused', async (label, key, json, status) => {
      await tally.attempt(`viewer token for ${label}`, async () => {
        const answer = await call(`/v1/live-sessions/${sessionOfA}/viewer-tokens`, {
          key: key(),
          method: 'POST',
          json: json(),
        });
        expect(answer.status).toBe(status);
      });
    });
  });

  // Last: it spends this address's failed-handshake budget, shared by every live namespace.
  describe('live handshakes: failed ones are limited per address on every namespace', () => {
    it('guessing tokens on /captions turns auth_invalid into rate_limited', async () => {
      await tally.attempt('live: /captions handshake brute force', async () => {
        const codes: unknown[] = [];
        for (let i = 0; i < 30; i++) {
          const client = liveClient(baseUrl, '/captions', { token: `vfk_${randomBytes(24).toString('base64url')}` });
          clients.push(client);
          codes.push((await client.waitFor('error')).code);
          client.close();
        }
        expect(codes[0]).toMatch(/^(auth_invalid|rate_limited)$/);
        expect(codes.slice(-5)).toEqual(Array(5).fill('rate_limited'));
      });
    });
  });

  /** Sends raw bytes (what fetch refuses to send) and returns what came back until close or timeout. */
  function rawRequest(request: string, timeoutMs: number): Promise<string> {
    const { hostname, port } = new URL(baseUrl);
    return new Promise((resolvePromise, reject) => {
      let received = '';
      const socket = connect(Number(port), hostname, () => socket.write(request));
      const timer = setTimeout(() => {
        socket.destroy();
        resolvePromise(received);
      }, timeoutMs);
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.on('close', () => {
        clearTimeout(timer);
        resolvePromise(received);
      });
      socket.on('error', reject);
    });
  }
});

function parseBody(text: string): Answer['body'] {
  try {
    return JSON.parse(text) as Answer['body'];
  } catch {
    return { text };
  }
}

function nested(depth: number): object {
  let value: object = { leaf: true };
  for (let i = 0; i < depth; i++) value = { next: value };
  return value;
}
