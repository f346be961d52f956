import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ComponentStatus } from '../../deploy/local/component-status';
import { infraDown, infraUp } from '../../deploy/local/infra';
import { readInfraOptions, type InfraOptions } from '../../deploy/local/infra-options';
import type { FileServer } from '../support/file-server';
import { startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';
import { freePort, infra, uniqueSuffix } from '../support/test-env';
import { ChunkWatcher, chunkDuplicates, reportFaults, settle, serveRecordings } from './fault-support';

const JOBS = 8;
const DOWN_MS = 5_000;
/** Longer than a workflow-task timeout (10 s), the most a closing workflow waits after a restart. */
const CLOSE_WITHIN_MS = 30_000;

/**
 * The MongoDB-wire server and the Temporal dev server restarted mid-batch. Both are this suite's own, on
 * ports of their own, so restarting them disturbs nothing else; their data directories are kept.
 */
describe('faults: MongoDB and Temporal restarted mid-batch', () => {
  let options: InfraOptions;
  let harness: PipelineHarness;
  let files: FileServer;
  let next = 0;

  beforeAll(async () => {
    const base = readInfraOptions({ ...process.env, TEMPORAL_ADDRESS: '', MONGODB_URI: '', REDIS_URL: infra.redisUrl });
    const [temporal, temporalUi, mongodb] = [await freePort(), await freePort(), await freePort()];
    options = {
      ...base,
      dataDir: mkdtempSync(join(tmpdir(), 'voxflow-restarts-')),
      ports: { ...base.ports, temporal, temporalUi, mongodb },
    };
    await infraUp(options);
    harness = await startPipelineHarness({
      TEMPORAL_ADDRESS: `127.0.0.1:${temporal}`,
      MONGODB_URI: `mongodb://127.0.0.1:${mongodb}/vf_restarts_${uniqueSuffix()}`,
      // Chunk results stay after their job, so that a chunk transcribed twice can be told by its stored time.
      CHUNK_RETENTION_HOURS: '1',
    });
    files = await serveRecordings(2 * JOBS, 20);
  });

  afterAll(async () => {
    await files?.close();
    await harness?.close();
    await infraDown(options, ['temporal', 'mongodb']);
    rmSync(options.dataDir, { recursive: true, force: true });
  });

  /** The workflow's status once it has closed, or RUNNING when it has not closed within the bound. */
  async function closedStatus(workflowId: string): Promise<string> {
    const handle = harness.client.workflow.getHandle(workflowId);
    let status = (await handle.describe()).status.name;
    for (const deadline = Date.now() + CLOSE_WITHIN_MS; status === 'RUNNING' && Date.now() < deadline;) {
      await sleep(250);
      status = (await handle.describe()).status.name;
    }
    return status;
  }

  async function restartMidBatch(server: ComponentStatus['name']) {
    harness.simulator.faults.update({ transcriptions: { latencyMs: 2_000 } });
    const watcher = new ChunkWatcher(harness.config.storage.dir);
    const { tenantId } = await harness.createTenant();
    const submitted = new Map<string, number>();
    for (let i = 0; i < JOBS; i++) {
      const url = files.url(`/take-${next++}.mp3`);
      submitted.set(await harness.submit({ tenantId, source: { kind: 'url', url } }), Date.now());
    }
    await sleep(3_000);
    await infraDown(options, [server]);
    await sleep(DOWN_MS);
    await infraUp(options);
    const outcome = await settle(harness, submitted, 240_000);
    watcher.stop();
    const duplicates = await chunkDuplicates(harness, watcher);

    // The record in MongoDB and the workflow in Temporal tell the same story once the workflow has closed:
    // the record's final status is written before the first webhook attempt, so a workflow whose last task
    // was caught by the restart closes a workflow-task timeout later.
    const disagreeing: string[] = [];
    for (const job of outcome.records) {
      const status = await closedStatus(job._id);
      const expected = { completed: 'COMPLETED', failed: 'FAILED', cancelled: 'CANCELLED' }[job.status as string];
      if (status !== expected) disagreeing.push(`${job._id}: record ${job.status}, workflow ${status}`);
    }
    const disagreements = disagreeing.length;
    reportFaults(`${server}-restart`, {
      jobs: outcome.jobs,
      down_s: DOWN_MS / 1000,
      completed: outcome.completed,
      records_disagreeing: disagreements,
      lost: outcome.lost,
      duplicate_side_effects: duplicates,
      p50_delay_s: outcome.p50DelayS,
      p99_delay_s: outcome.p99DelayS,
    });
    harness.simulator.faults.reset();
    expect(outcome.lost).toBe(0);
    expect(outcome.completed).toBe(JOBS);
    expect(disagreeing).toEqual([]);
    expect(duplicates).toBe(0);
  }

  it('the MongoDB-wire server restarts mid-batch: every job completes, records agree', async () => {
    await restartMidBatch('mongodb');
  });

  it('the Temporal dev server restarts mid-batch (its SQLite file kept): every job completes', async () => {
    await restartMidBatch('temporal');
  });
});
