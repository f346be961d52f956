import { Readable } from 'node:stream';
import { createReadStream } from 'node:fs';
import { loadConfig } from '../../../libs/config';
import { newId } from '../../../libs/db/ids';
import { newJobRecord } from '../../../libs/jobs/new-job';
import { jobKeys } from '../../../libs/storage/local-storage';
import { ensureRetentionSchedule, retentionScheduleId } from '../../../apps/worker/retention-schedule';
import type { RetentionReport } from '../../../workflows/retention-sweep.workflow';
import { speechRecording } from '../../support/audio-fixtures';
import { startPipelineHarness, type PipelineHarness } from '../../support/pipeline-harness';

const HOUR = 3_600_000;

describe('retention schedule', () => {
  let harness: PipelineHarness;

  beforeAll(async () => {
    harness = await startPipelineHarness({ MEDIA_RETENTION_HOURS: '2', TRANSCRIPT_RETENTION_DAYS: '1' });
  });

  afterAll(async () => {
    await harness?.close();
  });

  /** A finished job `ageMs` old, with a source file and a transcript. */
  async function finishedJob(tenantId: string, ageMs: number): Promise<string> {
    const jobId = newId('job');
    await harness.jobs.create(
      newJobRecord({
        jobId,
        tenantId,
        source: { kind: 'upload', storageKey: jobKeys.source(jobId) },
        provider: 'openai',
        fallbackProviders: [],
        translateTo: [],
        translationProvider: 'openai',
        priority: 'normal',
      }),
    );
    await harness.jobs.update(jobId, { status: 'completed', stage: 'done', finishedAt: new Date(Date.now() - ageMs) });
    await harness.storage.write(jobKeys.source(jobId), Readable.from([Buffer.from('media')]), { maxBytes: 100 });
    await harness.transcripts.save({
      jobId,
      tenantId,
      kind: 'original',
      language: 'en',
      text: 'x',
      segments: [],
      words: [],
      durationS: 1,
      providers: ['openai'],
      simulated: true,
    });
    return jobId;
  }

  it('removes expired media, transcripts and idempotency keys, and starts stranded jobs', async () => {
    const { tenantId } = await harness.createTenant();
    const fresh = await finishedJob(tenantId, 10 * 60_000);
    const mediaExpired = await finishedJob(tenantId, 3 * HOUR);
    const allExpired = await finishedJob(tenantId, 30 * HOUR);
    await harness.mongo.collection('idempotency_keys').insertMany([
      {
        _id: `${tenantId}:old` as never,
        tenantId,
        requestHash: 'h',
        jobId: fresh,
        createdAt: new Date(Date.now() - 26 * HOUR),
      },
      { _id: `${tenantId}:new` as never, tenantId, requestHash: 'h', jobId: fresh, createdAt: new Date() },
    ]);
    // Stored as queued five minutes ago, but its workflow never started (the API died in between).
    const stranded = newId('job');
    await harness.storage.write(jobKeys.source(stranded), createReadStream(await speechRecording(20)), {
      maxBytes: 10_000_000,
    });
    await harness.mongo.collection('jobs').insertOne({
      ...newJobRecord({
        jobId: stranded,
        tenantId,
        source: { kind: 'upload', storageKey: jobKeys.source(stranded) },
        provider: 'openai',
        fallbackProviders: [],
        translateTo: [],
        translationProvider: 'openai',
        priority: 'normal',
      }),
      createdAt: new Date(Date.now() - 5 * 60_000),
      updatedAt: new Date(),
    } as never);

    const report = await harness.client.workflow.execute<() => Promise<RetentionReport>>('retentionSweep', {
      workflowId: `retention-${newId('t')}`,
      taskQueue: harness.config.temporal.taskQueue,
    });

    expect(report).toEqual({
      mediaRemoved: 2,
      transcriptsRemoved: 1,
      idempotencyKeysRemoved: 1,
      strandedJobsStarted: 1,
    });
    expect(await harness.storage.size(jobKeys.source(fresh))).toBeGreaterThan(0);
    expect(await harness.storage.size(jobKeys.source(mediaExpired))).toBeUndefined();
    expect(await harness.transcripts.load(mediaExpired, 'en')).toBeDefined();
    expect(await harness.transcripts.load(allExpired, 'en')).toBeUndefined();
    expect(await harness.mongo.collection('idempotency_keys').countDocuments({ tenantId })).toBe(1);
    expect((await harness.waitForJob(stranded)).status).toBe('completed');

    // A second sweep finds nothing new: the checkpoints moved on.
    const again = await harness.client.workflow.execute<() => Promise<RetentionReport>>('retentionSweep', {
      workflowId: `retention-${newId('t')}`,
      taskQueue: harness.config.temporal.taskQueue,
    });
    expect(again).toEqual({
      mediaRemoved: 0,
      transcriptsRemoved: 0,
      idempotencyKeysRemoved: 0,
      strandedJobsStarted: 0,
    });
  });

  it('creates the schedule idempotently, visible to ops with its interval', async () => {
    const config = loadConfig({ ...harness.env, RETENTION_SWEEP_INTERVAL_MINUTES: '60' });
    const scheduleId = retentionScheduleId(config.temporal.taskQueue);
    try {
      expect(await ensureRetentionSchedule(config)).toBe(scheduleId);
      expect(
        await ensureRetentionSchedule(loadConfig({ ...harness.env, RETENTION_SWEEP_INTERVAL_MINUTES: '30' })),
      ).toBe(scheduleId);
      const description = await harness.client.schedule.getHandle(scheduleId).describe();
      expect(description.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'retentionSweep',
        taskQueue: config.temporal.taskQueue,
      });
      expect(description.spec.intervals).toEqual([expect.objectContaining({ every: 30 * 60_000 })]);
    } finally {
      await harness.client.schedule
        .getHandle(scheduleId)
        .delete()
        .catch(() => undefined);
    }
  });
});
