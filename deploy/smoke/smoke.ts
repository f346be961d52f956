import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { INSTALL_ROOT } from '../../libs/config/install-paths';
import { PCM_FRAME_BYTES } from '../../libs/media/pcm-frames';

/**
 * `npm run smoke -- <base URL> [--key K] [--timeout S] [--audio FILE]`: checks a deployed Voxflow the way a client
 * uses it — health, a refused credential, one short upload through the whole pipeline (polled to its transcript,
 * then deleted), and a live-captions speaker with a viewer watching. One line per check; exit 1 if any fails.
 * The key (`--key` or VOXFLOW_API_KEY) needs the default scopes.
 */

const DEFAULT_AUDIO = join(INSTALL_ROOT, 'samples', 'weekly-sync.mp3');

interface Options {
  baseUrl: string;
  key: string;
  timeoutMs: number;
  audio: string;
}

class CheckFailed extends Error {}

const fail = (message: string): never => {
  throw new CheckFailed(message);
};

async function call(options: Options, path: string, init: RequestInit & { key?: string | null } = {}) {
  const { key = options.key, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (key) headers.set('x-api-key', key);
  return fetch(new URL(path, options.baseUrl), { ...rest, headers, signal: AbortSignal.timeout(15_000) });
}

async function json<T>(response: Response, what: string, status = 200): Promise<T> {
  if (response.status !== status) {
    fail(`${what} answered ${response.status}, not ${status}: ${(await response.text()).slice(0, 200)}`);
  }
  return (await response.json()) as T;
}

async function health(options: Options): Promise<string> {
  const live = await json<{ status: string; service: string; version: string; commit: string }>(
    await call(options, '/health', { key: null }),
    'GET /health',
  );
  const ready = await call(options, '/health/ready', { key: null });
  const body = (await ready.json()) as { status: string; error?: Record<string, unknown> };
  if (ready.status !== 200)
    fail(`/health/ready answered ${ready.status}: ${Object.keys(body.error ?? {}).join(', ')} down`);
  return `${live.service} ${live.version} (${live.commit}), ready: ${body.status}`;
}

async function auth(options: Options): Promise<string> {
  for (const key of [null, 'vf_smoke_not_a_key']) {
    const refused = await call(options, '/v1/jobs', { key });
    if (refused.status !== 401)
      fail(`GET /v1/jobs with ${key ? 'a made-up key' : 'no key'} answered ${refused.status}, not 401`);
  }
  await json(await call(options, '/v1/jobs?limit=1'), 'GET /v1/jobs with the key');
  return 'no key and a made-up key refused (401); the key accepted';
}

async function job(options: Options): Promise<string> {
  const form = new FormData();
  form.set('file', new Blob([await readFile(options.audio)]), basename(options.audio));
  const { id } = await json<{ id: string }>(
    await call(options, '/v1/jobs', { method: 'POST', body: form }),
    'POST /v1/jobs (upload)',
    202,
  );
  const started = Date.now();
  try {
    let status = 'queued';
    while (Date.now() - started < options.timeoutMs) {
      const body = await json<{ status: string; error?: { code: string; message: string } }>(
        await call(options, `/v1/jobs/${id}`),
        `GET /v1/jobs/${id}`,
      );
      status = body.status;
      if (status === 'failed') fail(`${id} failed: ${body.error?.code} (${body.error?.message})`);
      if (status === 'completed') break;
      await new Promise((done) => setTimeout(done, 1_000));
    }
    if (status !== 'completed') {
      fail(
        `${id} still ${status} after ${options.timeoutMs / 1000} s: is a worker running? (Temporal UI, /health/ready of the workers)`,
      );
    }
    const transcript = await call(options, `/v1/jobs/${id}/transcript?format=txt`);
    const text = transcript.status === 200 ? (await transcript.text()).trim() : '';
    if (!text) fail(`${id} completed but its transcript answered ${transcript.status} or was empty`);
    return `${id} completed in ${((Date.now() - started) / 1000).toFixed(1)} s: "${text.replace(/\s+/g, ' ').slice(0, 40)}…"`;
  } finally {
    await call(options, `/v1/jobs/${id}`, { method: 'DELETE' }).catch(() => undefined);
  }
}

async function live(options: Options): Promise<string> {
  const sockets: Socket[] = [];
  const connect = (namespace: string, query: Record<string, string> = {}) => {
    const socket = io(new URL(namespace, options.baseUrl).toString(), {
      auth: { token: options.key },
      query,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    return socket;
  };
  /** The first `event` on the socket, or why it did not come. */
  const next = <T>(socket: Socket, event: string, what: string) =>
    new Promise<T>((resolvePromise, reject) => {
      const settle = (outcome: () => void) => {
        clearTimeout(timer);
        outcome();
      };
      const timer = setTimeout(() => reject(new CheckFailed(`no ${event} within 10 s (${what})`)), 10_000);
      socket.once(event, (payload: T) => settle(() => resolvePromise(payload)));
      socket.once('error', (error: { code?: string; message?: string }) =>
        settle(() => reject(new CheckFailed(`${what}: ${error.code} (${error.message})`))),
      );
      socket.once('connect_error', (error: Error) =>
        settle(() => reject(new CheckFailed(`${what}: ${error.message}`))),
      );
    });
  try {
    const speaker = connect('/audio-stream', { lang: 'en' });
    const { session_id: sessionId } = await next<{ session_id: string }>(speaker, 'connected', 'speaker handshake');
    speaker.emit('audio_chunk', Buffer.alloc(PCM_FRAME_BYTES)); // a frame of silence: the relay is open
    const viewer = connect('/captions');
    await next(viewer, 'connect', 'viewer handshake');
    const watching = next(viewer, 'watching', 'viewer watch');
    viewer.emit('watch', { session_id: sessionId });
    await watching;
    speaker.emit('stop');
    return `speaker connected (${sessionId}), a viewer watches it`;
  } finally {
    for (const socket of sockets) socket.disconnect();
  }
}

const CHECKS: [string, (options: Options) => Promise<string>][] = [
  ['health', health],
  ['auth', auth],
  ['job', job],
  ['live', live],
];

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      key: { type: 'string' },
      timeout: { type: 'string', default: '120' },
      audio: { type: 'string', default: DEFAULT_AUDIO },
    },
  });
  const key = values.key ?? process.env.VOXFLOW_API_KEY;
  if (positionals.length !== 1 || !key) {
    process.stderr.write('usage: npm run smoke -- <base URL> --key <API key> [--timeout seconds] [--audio file]\n');
    return 2;
  }
  const options: Options = {
    baseUrl: positionals[0]!,
    key,
    timeoutMs: Number(values.timeout) * 1000,
    audio: values.audio,
  };
  let failed = 0;
  for (const [name, check] of CHECKS) {
    try {
      process.stdout.write(`ok    ${name.padEnd(6)} ${await check(options)}\n`);
    } catch (error) {
      failed++;
      const reason = error instanceof CheckFailed ? error.message : `${(error as Error).message ?? String(error)}`;
      process.stdout.write(`FAIL  ${name.padEnd(6)} ${reason}\n`);
    }
  }
  process.stdout.write(
    failed ? `smoke: ${failed} of ${CHECKS.length} checks failed\n` : `smoke: all ${CHECKS.length} checks passed\n`,
  );
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`smoke: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
