import { setTimeout as sleep } from 'node:timers/promises';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { Client, Connection } from '@temporalio/client';
import { WorkerModule } from '../../apps/worker/worker.module';
import { TemporalWorkerService } from '../../apps/worker/temporal-worker.service';
import { workerCanary } from '../../workflows';
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../../libs/config';
import { startAppProcess } from '../support/app-process';
import { freePort, testConfig, testEnv, uniqueSuffix } from '../support/test-env';

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

  it('refuses to poll without its media tools, says why on /health/ready, and leaves jobs to a worker with them', async () => {
    const port = await freePort();
    const env = testEnv({ FFMPEG_PATH: '/nonexistent/ffmpeg', WORKER_METRICS_PORT: String(port) });
    const config = loadConfig(env);
    const broken = startAppProcess('worker', env);
    const connection = await Connection.connect({ address: config.temporal.address });
    try {
      await broken.waitForOutput(/Not polling: media tools unavailable/);
      const health = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({
        status: 'error',
        reason: expect.stringMatching(/ffmpeg could not be started \(ENOENT\)/),
      });

      // Work on its queue waits: the worker that cannot do it never polls for it.
      const client = new Client({ connection, namespace: config.temporal.namespace });
      const handle = await client.workflow.start(workerCanary, {
        workflowId: `canary-${uniqueSuffix()}`,
        taskQueue: config.temporal.taskQueue,
      });
      const pollers = async () =>
        (
          await client.workflowService.describeTaskQueue({
            namespace: config.temporal.namespace,
            taskQueue: { name: config.temporal.taskQueue },
            taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
          })
        ).pollers ?? [];
      const until = Date.now() + 2_000;
      while (Date.now() < until) {
        expect(await pollers()).toEqual([]);
        await sleep(250);
      }

      // A worker that has its tools takes it.
      const healthy = loadConfig({ ...env, FFMPEG_PATH: process.env.FFMPEG_PATH!, WORKER_METRICS_PORT: '0' });
      const app = await NestFactory.createApplicationContext(WorkerModule.register(healthy), { logger: false });
      await app.init();
      try {
        expect(await handle.result()).toMatchObject({ pid: process.pid });
      } finally {
        await app.close();
      }
    } finally {
      await connection.close();
      await broken.stop();
    }
  });
});
