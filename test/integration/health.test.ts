import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApi } from '../../apps/api/create-api';
import { ensureMongoWire, mongoProcess } from '../../deploy/local/mongo-server';
import { readInfraOptions } from '../../deploy/local/infra-options';
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

    it('is live and ready while MongoDB, Temporal and storage answer', async () => {
      await request(app.getHttpServer()).get('/health').expect(200);
      const ready = await request(app.getHttpServer()).get('/health/ready').expect(200);
      expect(ready.body.status).toBe('ok');
      expect(Object.keys(ready.body.info).sort()).toEqual(['mongodb', 'storage', 'temporal']);
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
