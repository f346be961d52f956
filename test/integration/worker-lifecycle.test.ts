import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { Client, Connection } from '@temporalio/client';
import { WorkerModule } from '../../apps/worker/worker.module';
import { TemporalWorkerService } from '../../apps/worker/temporal-worker.service';
import { workerCanary } from '../../workflows';
import { testConfig, uniqueSuffix } from '../support/test-env';

describe('worker app on the Temporal dev server', () => {
  it('runs a workflow started through the client, then drains on shutdown', async () => {
    const config = testConfig({ WORKER_MAX_CACHED_WORKFLOWS: '321' });
    const app = await NestFactory.createApplicationContext(WorkerModule.register(config), { logger: false });
    await app.init();
    const worker = app.get(TemporalWorkerService);
    expect(worker.state).toBe('RUNNING');
    // The configured cache, not the SDK's default, which follows the heap limit (about 2,300 here).
    expect(worker.workflowCacheSize).toBe(321);

    const connection = await Connection.connect({ address: config.temporal.address });
    try {
      const client = new Client({ connection, namespace: config.temporal.namespace });
      const workflowId = `canary-${uniqueSuffix()}`;
      const result = await client.workflow.execute(workerCanary, {
        workflowId,
        taskQueue: config.temporal.taskQueue,
      });

      // The activity really ran in this worker, on the queue the config named.
      expect(result).toMatchObject({ taskQueue: config.temporal.taskQueue, pid: process.pid, node: process.version });
      // The ffmpeg the config names (the lean build when there, whose version line differs from Debian's).
      const configured = execFileSync(config.media.ffmpeg, ['-hide_banner', '-version']).toString().split('\n')[0];
      expect(result.ffmpeg).toMatch(/^ffmpeg version /);
      expect(result.ffmpeg).toBe(configured);
      const description = await client.workflow.getHandle(workflowId).describe();
      expect(description.status.name).toBe('COMPLETED');
      expect(description.taskQueue).toBe(config.temporal.taskQueue);
    } catch (error) {
      // A failed expectation must not leave the worker polling: Jest would wait on it for ever.
      await app.close();
      throw error;
    } finally {
      await connection.close();
    }

    await app.close();
    expect(worker.state).toBe('STOPPED');
  });

  // Production workers run this bundle (the worker-kill fault test runs one); here, what it carries.
  it('builds the production bundle with a source map that maps lines but carries no sources', () => {
    const bundle = readFileSync(join(__dirname, '..', '..', 'dist', 'workflow-bundle.js'), 'utf8');
    const inline = /\/\/# sourceMappingURL=data:application\/json;[^,]*base64,(\S+)\s*$/.exec(bundle);
    expect(inline).not.toBeNull();
    const map = JSON.parse(Buffer.from(inline![1]!, 'base64').toString()) as Record<string, unknown>;
    expect(map.sources).toEqual(
      expect.arrayContaining([expect.stringMatching(/workflows\/transcription-job\.workflow\.ts$/)]),
    );
    expect(String(map.mappings).length).toBeGreaterThan(1000);
    expect(map.sourcesContent).toBeUndefined();
  });

  it('starts without the Deepgram SDK and loads it with the first Deepgram job', () => {
    // A fresh process on the built code: the module cache tells what the worker has loaded.
    const script = `
      const dist = ${JSON.stringify(join(__dirname, '..', '..', 'dist'))};
      const loaded = () => Object.keys(require.cache).some((path) => path.includes('/@deepgram/sdk/'));
      require(dist + '/apps/worker/worker.module');
      require(dist + '/apps/worker/temporal-worker.service');
      const atStart = loaded();
      const { loadConfig } = require(dist + '/libs/config');
      const { ProviderRegistry } = require(dist + '/libs/providers/provider-registry');
      new ProviderRegistry(loadConfig({ ...process.env, DEEPGRAM_API_KEY: 'key' }).providers).stt('deepgram');
      process.stdout.write(JSON.stringify({ atStart, afterDeepgramJob: loaded() }));`;
    expect(JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }))).toEqual({
      atStart: false,
      afterDeepgramJob: true,
    });
  });
});
