import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../../libs/config';

/** Where the integration infrastructure listens: the env vars when set, else the local defaults. */
export const infra = {
  temporalAddress: process.env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
  mongodbUri: process.env.MONGODB_URI || 'mongodb://127.0.0.1:27017',
  redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
};

/** A short random suffix: every test gets its own database, task queue and workflow ids. */
export function uniqueSuffix(): string {
  return randomBytes(5).toString('hex');
}

/** A MongoDB URI for a database no other test uses. */
export function uniqueMongoUri(suffix = uniqueSuffix()): string {
  const url = new URL(infra.mongodbUri);
  url.pathname = `/vf_test_${suffix}`;
  return url.toString();
}

/** Config as the apps would load it, isolated per test: own database, task queue and storage folder. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig(testEnv(overrides));
}

/** The environment behind testConfig, for tests that run the apps as separate processes. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const suffix = uniqueSuffix();
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    TEMPORAL_ADDRESS: infra.temporalAddress,
    MONGODB_URI: uniqueMongoUri(suffix),
    REDIS_URL: infra.redisUrl,
    TEMPORAL_TASK_QUEUE: `test-${suffix}`,
    STORAGE_DIR: mkdtempSync(join(tmpdir(), 'voxflow-storage-')),
    // Tests run several workers; none needs its own metrics port.
    WORKER_METRICS_PORT: '0',
    RETENTION_SWEEP_INTERVAL_MINUTES: '0',
    // The local stack's media tools (set by the global setup, test/support/local-media-tools.ts).
    FFMPEG_PATH: process.env.FFMPEG_PATH!,
    FFPROBE_PATH: process.env.FFPROBE_PATH!,
    ...overrides,
  };
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePromise(port));
    });
  });
}
