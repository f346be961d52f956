import { Redis } from 'ioredis';
import { alreadyServing, type ComponentStatus } from './component-status';
import { ManagedProcess } from './managed-process';
import { waitFor } from './probes';
import { findOnPath, MissingToolError } from './toolchain';

export interface RedisOptions {
  dir: string;
  port?: number;
  readyTimeoutMs?: number;
}

export function redisProcess(dir: string): ManagedProcess {
  return new ManagedProcess('redis', dir);
}

/** Resolves true when a Redis server at `url` answers PING. */
export async function pingRedis(url: string, timeoutMs = 2_000): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined); // The answer is the PING's; a refused connection is a false.
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** Redis on 127.0.0.1:port: whatever already answers there, else `redis-server` from PATH. */
export async function ensureRedis(options: RedisOptions): Promise<ComponentStatus> {
  const port = options.port ?? 6379;
  const address = `redis://127.0.0.1:${port}`;
  const proc = redisProcess(options.dir);
  const serving = await alreadyServing('redis', { proc, port, address }, 'a Redis server', () => pingRedis(address));
  if (serving) return serving;
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
