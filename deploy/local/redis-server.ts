import { connect } from 'node:net';
import type { ComponentStatus } from './component-status';
import { ManagedProcess } from './managed-process';
import { isPortOpen, waitFor } from './probes';
import { findOnPath, MissingToolError } from './toolchain';

export interface RedisOptions {
  dir: string;
  port?: number;
  readyTimeoutMs?: number;
}

export function redisProcess(dir: string): ManagedProcess {
  return new ManagedProcess('redis', dir);
}

/** Resolves true when a Redis server at `url` answers PING (no client library needed for this). */
export function pingRedis(url: string, timeoutMs = 2_000): Promise<boolean> {
  const { hostname, port, password, username } = new URL(url);
  return new Promise((resolvePromise) => {
    const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => {
      const auth = password
        ? `AUTH ${decodeURIComponent(username || 'default')} ${decodeURIComponent(password)}\r\n`
        : '';
      socket.write(`${auth}PING\r\n`);
    });
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('+PONG')) done(true);
      else if (reply.includes('-')) done(false);
    });
  });
}

/** Redis on 127.0.0.1:port: whatever already answers there, else `redis-server` from PATH. */
export async function ensureRedis(options: RedisOptions): Promise<ComponentStatus> {
  const port = options.port ?? 6379;
  const address = `redis://127.0.0.1:${port}`;
  const proc = redisProcess(options.dir);
  const existing = proc.running();
  if (existing || (await isPortOpen(port))) {
    if (!(await pingRedis(address))) {
      throw new Error(`Port ${port} is taken by something that does not answer as a Redis server.`);
    }
    return existing
      ? { name: 'redis', state: 'running', address, pid: existing.pid, details: [`log ${proc.logFile}`] }
      : { name: 'redis', state: 'external', address, details: ['already answering; not started by Voxflow'] };
  }
  const redisServer = findOnPath('redis-server');
  if (!redisServer) {
    throw new MissingToolError(
      'redis-server was not found: set REDIS_URL, or install it (apt-get install redis-server).',
    );
  }
  const record = proc.start(redisServer, [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    options.dir,
  ]);
  await waitFor(`Redis at ${address}`, () => pingRedis(address, 1_000), {
    timeoutMs: options.readyTimeoutMs ?? 20_000,
    abortIf: () => proc.exitReason(),
  });
  return { name: 'redis', state: 'started', address, pid: record.pid, details: [`log ${proc.logFile}`] };
}
