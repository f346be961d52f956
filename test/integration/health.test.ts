import type { INestApplication } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApi } from '../../apps/api/create-api';
import { ensureMongoWire, mongoProcess } from '../../deploy/local/mongo-server';
import { readInfraOptions } from '../../deploy/local/infra-options';
import { ensureRedis, redisProcess } from '../../deploy/local/redis-server';
import { createLogger } from '../../libs/logging';
import { freePort, testConfig } from '../support/test-env';

const logger = createLogger('test', 'silent');

describe('GET /health and /health/ready', () => {
  describe('with a MongoDB-wire server of its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'voxflow-health-mongo-'));
    let app: INestApplication;

    beforeAll(async () => {
      // A dedicated server: stopping the shared one would break every other suite.
      const port = await freePort();
      const { cacheDir, repoRoot } = readInfraOptions();
      await ensureMongoWire({ cacheDir, repoRoot, dir, port });
      app = await createApi(testConfig({ MONGODB_URI: `mongodb://127.0.0.1:${port}/voxflow_health` }), logger);
      await app.init();
    });

    afterAll(async () => {
      await app?.close();
      await mongoProcess(dir).stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('is live, naming its service, release and commit, and ready while MongoDB, Temporal, storage and Redis answer', async () => {
      const live = await request(app.getHttpServer()).get('/health').expect(200);
      const root = join(__dirname, '..', '..');
      expect(live.body).toEqual({
        status: 'ok',
        service: 'voxflow-api',
        version: (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version,
        commit: execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root }).toString().trim(),
      });
      const ready = await request(app.getHttpServer()).get('/health/ready').expect(200);
      expect(ready.body.status).toBe('ok');
      expect(Object.keys(ready.body.info).sort()).toEqual(['mongodb', 'redis', 'storage', 'temporal']);
    });

    it('turns 503 naming mongodb when the MongoDB server stops, and stays live', async () => {
      expect(await mongoProcess(dir).stop()).toBe(true);

      const ready = await request(app.getHttpServer()).get('/health/ready').expect(503);
      expect(ready.body.status).toBe('error');
      expect(Object.keys(ready.body.error)).toEqual(['mongodb']);
      expect(ready.body.error.mongodb.status).toBe('down');
      expect(ready.body.info.temporal.status).toBe('up');
      await request(app.getHttpServer()).get('/health').expect(200);
    });
  });

  it('reports Redis degraded, not unready, when REDIS_URL is set and Redis does not answer; leaves it out without REDIS_URL', async () => {
    // A dedicated Redis server, stopped while the API runs.
    const dir = mkdtempSync(join(tmpdir(), 'voxflow-health-redis-'));
    const port = await freePort();
    await ensureRedis({ dir, port });
    const withRedis = await createApi(testConfig({ REDIS_URL: `redis://127.0.0.1:${port}` }), logger);
    await withRedis.init();
    try {
      await request(withRedis.getHttpServer()).get('/health/ready').expect(200);
      expect(await redisProcess(dir).stop()).toBe(true);
      // Each instance can do without Redis (rate limits in memory, captions to its own viewers): out of service
      // for it, every instance would be out at once.
      const ready = await request(withRedis.getHttpServer()).get('/health/ready').expect(200);
      expect(ready.body.status).toBe('degraded');
      expect(ready.body.info.redis.status).toBe('degraded');
      expect(ready.body.info.redis.message).toMatch(/Redis does not answer/);
      expect(ready.body.info.mongodb.status).toBe('up');
    } finally {
      await withRedis.close();
      await redisProcess(dir).stop();
      rmSync(dir, { recursive: true, force: true });
    }
    const config = testConfig();
    const withoutRedis = await createApi({ ...config, redis: { url: undefined } }, logger);
    await withoutRedis.init();
    try {
      const ready = await request(withoutRedis.getHttpServer()).get('/health/ready').expect(200);
      expect(Object.keys(ready.body.info).sort()).toEqual(['mongodb', 'storage', 'temporal']);
    } finally {
      await withoutRedis.close();
    }
  });

  it('turns 503 naming temporal when Temporal cannot be reached', async () => {
    const closedPort = await freePort();
    const app = await createApi(testConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${closedPort}` }), logger);
    await app.init();
    try {
      const ready = await request(app.getHttpServer()).get('/health/ready').expect(503);
      expect(Object.keys(ready.body.error)).toEqual(['temporal']);
      expect(ready.body.info.mongodb.status).toBe('up');
    } finally {
      await app.close();
    }
  });
});
