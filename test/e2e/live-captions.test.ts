import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { newId } from '../../libs/db/ids';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { startJwksServer, type JwksServer } from '../support/jwks-server';
import { pcmFrames, SILENCE_FRAME } from '../support/live-audio';
import { liveClient, type LiveClient } from '../support/live-client';
import { waitUntil } from '../support/wait-until';

/** Streams frames at `intervalMs` each (100 ms of audio per frame, so 25 ms is 4× real time). */
async function stream(client: LiveClient, frames: Buffer[], options: { base64?: boolean; intervalMs?: number } = {}) {
  for (const frame of frames) {
    client.socket.emit(
      'audio_chunk',
      options.base64 === false ? frame : { audio_chunk: frame.toString('base64'), timestamp: new Date().toISOString() },
    );
    await sleep(options.intervalMs ?? 25);
  }
}

describe('live captions over socket.io', () => {
  let api: ApiHarness;
  let jwks: JwksServer;
  let key: string;
  let tenantId: string;
  let speech: Buffer[];
  const clients: LiveClient[] = [];
  const track = (client: LiveClient) => (clients.push(client), client);

  beforeAll(async () => {
    jwks = await startJwksServer();
    api = await startApiHarness({ AUTH_JWKS_URL: jwks.url, AUTH_ISSUER: jwks.issuer, AUTH_AUDIENCE: jwks.audience });
    ({ key, tenantId } = await api.tenant());
    speech = await pcmFrames(15);
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
    api.simulator.faults.reset();
  });

  afterAll(async () => {
    await api?.close();
    await jwks?.close();
  });

  const speaker = (token: string | undefined, lang = 'en') =>
    track(liveClient(api.baseUrl, '/audio-stream', { token, lang }));
  const viewer = (token: string) => track(liveClient(api.baseUrl, '/captions', { token }));

  it('shares a session through a viewer token: that session only, closed when the token expires', async () => {
    const client = speaker(key);
    const { session_id: sessionId } = await client.waitFor('connected');
    const issued = await api.call(`/v1/live-sessions/${String(sessionId)}/viewer-tokens`, {
      key,
      method: 'POST',
      json: {},
    });
    expect(issued.status).toBe(201);
    const grant = (await issued.json()) as { token: string; expires_at: string; viewer_url: string };
    expect(grant).toEqual({
      token: expect.stringMatching(/^vvt_[A-Za-z0-9]{40}$/),
      session_id: sessionId,
      expires_at: expect.any(String),
      viewer_url: `${api.config.http.publicBaseUrl}/live/?role=viewer#session=${String(sessionId)}&token=${grant.token}`,
    });
    // Four hours unless asked otherwise.
    expect(Date.parse(grant.expires_at) - Date.now()).toBeGreaterThan(4 * 3600_000 - 60_000);

    const watcher = viewer(grant.token);
    watcher.socket.emit('watch', { session_id: sessionId });
    expect(await watcher.waitFor('watching')).toMatchObject({ session_id: sessionId });
    await stream(client, [...speech.slice(0, 40), ...Array(12).fill(SILENCE_FRAME)]);
    await watcher.waitFor('caption', (caption) => caption.is_final === true);

    // A token about to expire: the connection it opened is closed when it does.
    const { token: shortLived } = (await (
      await api.call(`/v1/live-sessions/${String(sessionId)}/viewer-tokens`, { key, method: 'POST', json: {} })
    ).json()) as { token: string };
    await api.mongo
      .collection('viewer_tokens')
      .updateOne(
        { _id: createHash('sha256').update(shortLived).digest('hex') as never },
        { $set: { expiresAt: new Date(Date.now() + 1_500) } },
      );
    const expiring = viewer(shortLived);
    expiring.socket.emit('watch', { session_id: sessionId });
    await expiring.waitFor('watching');
    expect(await expiring.waitFor('error')).toMatchObject({ code: 'auth_expired' });
    await waitUntil('the expired viewer disconnected', () => expiring.disconnectedAt);
  });

  it("runs the meeting client's flow: ?lang=it, 100 ms base64 chunks, interim then final transcriptions in order", async () => {
    const client = speaker(key, 'it');
    const connected = await client.waitFor('connected');
    expect(connected).toEqual({
      message: expect.any(String),
      session_id: expect.stringMatching(/^live_/),
      user_id: expect.stringMatching(/^key:vfk_/),
      auth_type: 'api_key',
      language: 'it',
      timestamp: expect.any(String),
    });
    const watcher = viewer(key);
    watcher.socket.emit('watch', { session_id: connected.session_id });
    await watcher.waitFor('watching');

    await stream(client, [...speech, ...Array(12).fill(SILENCE_FRAME)]);
    await client.waitFor('transcription', (t) => t.is_final === true);
    client.socket.emit('stop');
    await client.waitFor('session_ended');

    const transcriptions = client.of('transcription');
    const finals = transcriptions.filter((t) => t.is_final);
    expect(transcriptions.some((t) => !t.is_final)).toBe(true);
    expect(finals.length).toBeGreaterThan(2);
    // The first interim of an utterance comes before its final, and finals advance in time.
    expect(transcriptions.findIndex((t) => !t.is_final)).toBeLessThan(transcriptions.findIndex((t) => t.is_final));
    for (let i = 1; i < finals.length; i++)
      expect(finals[i]!.start as number).toBeGreaterThanOrEqual(finals[i - 1]!.start as number);
    expect(finals[0]).toEqual(
      expect.objectContaining({
        transcript: expect.any(String),
        speech_final: expect.any(Boolean),
        confidence: expect.any(Number),
        duration: expect.any(Number),
        words: expect.any(Array),
      }),
    );

    // The viewer saw the same final lines, then the end.
    await watcher.waitFor('session_ended');
    expect(
      watcher
        .of('caption')
        .filter((c) => c.is_final)
        .map((c) => c.transcript),
    ).toEqual(finals.map((f) => f.transcript));

    // A late viewer gets the recent final lines, then session_ended; REST has the session and its transcript.
    const late = viewer(key);
    late.socket.emit('watch', { session_id: connected.session_id });
    await late.waitFor('session_ended');
    expect(late.of('caption').map((c) => c.transcript)).toEqual(finals.map((f) => f.transcript).slice(-20));
    const session = (await (await api.call(`/v1/live-sessions/${String(connected.session_id)}`, { key })).json()) as {
      status: string;
      lines: number;
      language: string;
    };
    expect(session).toMatchObject({ status: 'ended', language: 'it', lines: finals.length });
    const srt = await (
      await api.call(`/v1/live-sessions/${String(connected.session_id)}/transcript?format=srt`, { key })
    ).text();
    expect(srt).toMatch(/^1\n00:00:\d\d,\d{3} --> /);

    // Deleted on request, the transcript is gone, not empty; a live session cannot be deleted.
    const sessionUrl = `/v1/live-sessions/${String(connected.session_id)}`;
    const live = speaker(key);
    const { session_id: liveId } = await live.waitFor('connected');
    const refused = await api.call(`/v1/live-sessions/${String(liveId)}`, { key, method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: 'session_live' } });
    expect((await api.call(sessionUrl, { key: (await api.tenant()).key, method: 'DELETE' })).status).toBe(404);
    const deleted = await api.call(sessionUrl, { key, method: 'DELETE' });
    expect(await deleted.json()).toEqual({ id: connected.session_id, deleted: true });
    const removed = await api.call(`${sessionUrl}/transcript?format=srt`, { key });
    expect(removed.status).toBe(410);
    expect(await removed.json()).toMatchObject({
      error: { code: 'gone', message: expect.stringContaining('deleted on request') },
    });
    expect(await (await api.call(sessionUrl, { key })).json()).toMatchObject({
      lines: 0,
      transcript_removed_at: expect.stringMatching(/^\d{4}-/),
    });
  });

  describe('refuses a connection with a clear error, then disconnects', () => {
    it.each([
      ['no token', undefined, 'auth_required'],
      ['an unknown API key', `vfk_${'q'.repeat(40)}`, 'auth_invalid'],
      ['garbage', 'not-a-token', 'auth_invalid'],
    ])('%s', async (_name, token, code) => {
      const client = speaker(token);
      expect(await client.waitFor('error')).toMatchObject({ code });
      await waitUntil('disconnect', () => client.disconnectedAt);
    });

    it('an unsupported language', async () => {
      const client = speaker(key, 'xx');
      expect(await client.waitFor('error')).toMatchObject({
        code: 'unsupported_language',
        message: expect.stringContaining('Supported: ar, ca'),
      });
      await waitUntil('disconnect', () => client.disconnectedAt);
    });

    it('JWTs: a valid one connects; expired, wrong audience, unknown key and alg none do not', async () => {
      const good = speaker(await jwks.sign({ sub: 'user-7', tenant: tenantId }));
      expect(await good.waitFor('connected')).toMatchObject({ auth_type: 'jwt', user_id: 'user-7' });

      const cases: [string, string, string | RegExp][] = [
        [await jwks.sign({ sub: 'u', tenant: tenantId }, { expiresIn: '-1m' }), 'auth_expired', /expired/],
        [await jwks.sign({ sub: 'u', tenant: tenantId }, { audience: 'someone-else' }), 'auth_invalid', /"aud"/],
        [await jwks.sign({ sub: 'u', tenant: tenantId }, { unknownKey: true }), 'auth_invalid', /unknown key/],
        [jwks.unsigned({ sub: 'u', tenant: tenantId }), 'auth_invalid', /not valid/],
        [await jwks.sign({ sub: 'u' }), 'auth_invalid', /tenant/],
      ];
      for (const [token, code, message] of cases) {
        const client = speaker(token);
        expect(await client.waitFor('error')).toMatchObject({ code, message: expect.stringMatching(message) });
        await waitUntil('disconnect', () => client.disconnectedAt);
      }
    });
  });

  it('reports bad base64 and oversize frames as errors, and the session carries on', async () => {
    const client = speaker(key);
    await client.waitFor('connected');
    client.socket.emit('audio_chunk', { audio_chunk: '***not base64***' });
    client.socket.emit('audio_chunk', Buffer.alloc(96 * 1024));
    expect(await client.waitFor('error', (e) => e.code === 'bad_audio')).toBeTruthy();
    expect(await client.waitFor('error', (e) => e.code === 'frame_too_large')).toBeTruthy();
    // A burst above 50 frames a second: the excess is dropped with one error, not a disconnect.
    for (let i = 0; i < 80; i++) client.socket.emit('audio_chunk', SILENCE_FRAME);
    expect(await client.waitFor('error', (e) => e.code === 'rate_limited')).toBeTruthy();
    expect(client.of('error').filter((e) => e.code === 'rate_limited')).toHaveLength(1);
    await sleep(1_100);
    await stream(client, [...speech.slice(0, 60), ...Array(12).fill(SILENCE_FRAME)], { base64: false });
    expect(await client.waitFor('transcription', (t) => t.is_final === true)).toBeTruthy();
    expect(client.of('session_ended')).toEqual([]);
  });

  it('gives a viewer who starts watching as a final line goes out that line too, once', async () => {
    const client = speaker(key);
    const { session_id: sessionId } = await client.waitFor('connected');
    const late = viewer(key);
    await waitUntil('the viewer connected', () => late.socket.connected);
    // The moment the speaker has its first final line, the line is on its way to viewers and waits (up to
    // 250 ms) in the write batch: a viewer who starts watching now finds neither it live nor in storage.
    let first: Record<string, unknown> | undefined;
    client.socket.on('transcription', (t: Record<string, unknown>) => {
      if (first || t.is_final !== true) return;
      first = t;
      late.socket.emit('watch', { session_id: sessionId });
    });
    await stream(client, [...speech, ...Array(12).fill(SILENCE_FRAME)]);
    await waitUntil('the first final line', () => first);
    const caught = await late.waitFor('caption', (c) => c.is_final === true && c.start === first!.start, 5_000);
    expect(caught.transcript).toBe(first!.transcript);
    client.socket.emit('stop');
    await late.waitFor('session_ended');
    const starts = late
      .of('caption')
      .filter((c) => c.is_final === true)
      .map((c) => c.start);
    expect(starts.length).toBeGreaterThan(1);
    expect(new Set(starts).size).toBe(starts.length);
  });

  it('survives an upstream drop by reconnecting and keeps captioning', async () => {
    api.simulator.faults.update({ live: { dropAfterMs: 1_500 } });
    const client = speaker(key);
    await client.waitFor('connected');
    await stream(client, speech.slice(0, 40));
    await waitUntil('the first upstream to drop', () =>
      api.simulator.stats.live.some((s) => s.closedBy === 'server' && s.closedAt),
    );
    api.simulator.faults.reset();
    await stream(client, [...speech.slice(40, 120), ...Array(12).fill(SILENCE_FRAME)]);
    expect(await client.waitFor('transcription', (t) => t.is_final === true && (t.start as number) > 3)).toBeTruthy();
    expect(client.of('session_ended')).toEqual([]);
    expect(api.simulator.stats.live.length).toBeGreaterThanOrEqual(2);
  });

  it('ends the session with a clear error when the upstream drops and cannot be reached again', async () => {
    api.simulator.faults.update({ live: { dropAfterMs: 1_000 } });
    const client = speaker(key);
    await client.waitFor('connected');
    await stream(client, speech.slice(0, 20));
    await waitUntil('the upstream to drop', () =>
      api.simulator.stats.live.some((s) => s.closedBy === 'server' && s.closedAt),
    );
    api.simulator.faults.update({ live: { invalidKey: true } });
    await stream(client, speech.slice(20, 30));
    expect(await client.waitFor('error', (e) => e.code === 'upstream_unavailable')).toMatchObject({
      message: expect.stringContaining('could not be reached'),
    });
    expect(await client.waitFor('session_ended')).toMatchObject({ reason: 'upstream_unavailable' });
  });

  it('closes the upstream within 1 s of the speaker disconnecting', async () => {
    const before = api.simulator.stats.live.length;
    const client = speaker(key);
    const { session_id: sessionId } = await client.waitFor('connected');
    await stream(client, speech.slice(0, 20));
    const disconnectAt = Date.now();
    client.close();
    const upstream = await waitUntil(
      'upstream closed',
      () => {
        const stats = api.simulator.stats.live[before];
        return stats?.closedAt !== undefined && stats;
      },
      5_000,
    );
    expect(upstream.closedAt! - disconnectAt).toBeLessThan(1_000);
    expect(upstream.closeStreamAt).toBeDefined();
    const session = (await (await api.call(`/v1/live-sessions/${String(sessionId)}`, { key })).json()) as {
      status: string;
      end_reason: string;
    };
    expect(session).toMatchObject({ status: 'ended', end_reason: 'speaker_disconnected' });
  });

  it("keeps a silent speaker's upstream open with KeepAlive (Deepgram closes after 10 s without audio)", async () => {
    const before = api.simulator.stats.live.length;
    const client = speaker(key);
    await client.waitFor('connected');
    await sleep(12_000);
    await stream(client, [...speech.slice(0, 60), ...Array<Buffer>(12).fill(SILENCE_FRAME)]);
    expect(await client.waitFor('transcription', (t) => t.is_final === true)).toBeTruthy();
    const upstreams = api.simulator.stats.live.slice(before);
    expect(upstreams).toHaveLength(1);
    expect(upstreams[0]!.closedBy).toBeUndefined();
  }, 40_000);

  it("lists the tenant's sessions newest first, a page at a time, and no one else's", async () => {
    const own = await api.tenant();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(String((await speaker(own.key).waitFor('connected')).session_id));
      await sleep(5); // ids order by millisecond: one apart at least
    }
    speaker(key); // another tenant's session, live at the same time
    type Page = { data: { id: string; status: string; links: { transcript: string } }[]; next_cursor: string | null };
    const first = (await (await api.call('/v1/live-sessions?limit=2', { key: own.key })).json()) as Page;
    expect(first.data.map((session) => session.id)).toEqual([ids[2], ids[1]]);
    expect(first.data[0]).toMatchObject({ status: 'live', links: { transcript: expect.stringContaining(ids[2]!) } });
    const second = (await (
      await api.call(`/v1/live-sessions?limit=2&cursor=${first.next_cursor!}`, { key: own.key })
    ).json()) as Page;
    expect(second).toEqual({ data: [expect.objectContaining({ id: ids[0] })], next_cursor: null });
    for (const cursor of ['bm9wZQ', Buffer.from('job_0000000000aaaaaaaaaaaaaaaa').toString('base64url')]) {
      const refused = await api.call(`/v1/live-sessions?cursor=${cursor}`, { key: own.key });
      expect(refused.status).toBe(400);
    }
  });

  it('reports the audio a tenant streamed live in its usage', async () => {
    const own = await api.tenant();
    const client = speaker(own.key);
    await client.waitFor('connected');
    await stream(client, speech.slice(0, 30)); // 3 s of audio
    client.socket.emit('stop');
    await client.waitFor('session_ended');
    const usage = (await (await api.call('/v1/usage', { key: own.key })).json()) as Record<string, unknown>;
    expect(usage).toMatchObject({ jobs: 0, providers: [], live: { sessions: 1, audio_seconds: 3 } });
  });

  it('a session whose API instance died reads as ended (server_lost), to viewers and in the API', async () => {
    // A session record as an API instance leaves it when it dies mid-session.
    const storeLiveSession = async (fields: { hostId?: string; startedAt: Date }) => {
      const id = newId('live');
      await api.mongo.collection('live_sessions').insertOne({
        _id: id as never,
        tenantId,
        userId: 'u',
        authType: 'api_key',
        language: 'en',
        status: 'live',
        ...fields,
      });
      return id;
    };
    const sessionId = await storeLiveSession({ hostId: 'host_crashed_long_ago', startedAt: new Date() });
    const watcher = viewer(key);
    watcher.socket.emit('watch', { session_id: sessionId });
    expect(await watcher.waitFor('watching')).toMatchObject({ status: 'ended' });
    expect(await watcher.waitFor('session_ended')).toMatchObject({ reason: 'server_lost' });
    expect(await (await api.call(`/v1/live-sessions/${sessionId}`, { key })).json()).toMatchObject({
      status: 'ended',
      end_reason: 'server_lost',
    });
    // Over, so its lines can be deleted; and so can a hostless one (stored before sessions named their
    // instance) that started longer ago than a session may last (LIVE_MAX_SESSION_MINUTES, 120).
    const hostless = await storeLiveSession({ startedAt: new Date(Date.now() - 121 * 60_000) });
    for (const id of [sessionId, hostless]) {
      const deleted = await api.call(`/v1/live-sessions/${id}`, { key, method: 'DELETE' });
      expect({ id, status: deleted.status }).toEqual({ id, status: 200 });
    }
  });

  it("does not let a viewer watch another tenant's session", async () => {
    const client = speaker(key);
    const { session_id: sessionId } = await client.waitFor('connected');
    const other = await api.tenant();
    const stranger = viewer(other.key);
    stranger.socket.emit('watch', { session_id: sessionId });
    expect(await stranger.waitFor('error')).toMatchObject({ code: 'not_found' });
    expect((await api.call(`/v1/live-sessions/${String(sessionId)}`, { key: other.key })).status).toBe(404);
  });
});
