import { Readable } from 'node:stream';
import { createReadStream } from 'node:fs';
import { loadConfig } from '../../../libs/config';
import { newId } from '../../../libs/db/ids';
import { LiveSessionsRepository } from '../../../libs/db/live-sessions.repository';
import { newJobRecord } from '../../../libs/jobs/new-job';
import { jobKeys } from '../../../libs/storage/local-storage';
import { ensureRetentionSchedule, retentionScheduleId } from '../../../apps/worker/retention-schedule';
import type { RetentionReport } from '../../../workflows/retention-sweep.workflow';
import { speechRecording } from '../../support/audio-fixtures';
import { recordHistoryIfAsked } from '../../support/histories';
import { startPipelineHarness, type PipelineHarness } from '../../support/pipeline-harness';

const HOUR = 3_600_000;

describe('retention schedule', () => {
  let harness: PipelineHarness;
  let liveSessions: LiveSessionsRepository;

  beforeAll(async () => {
    harness = await startPipelineHarness({
      MEDIA_RETENTION_HOURS: '2',
      TRANSCRIPT_RETENTION_DAYS: '1',
      CHUNK_RETENTION_HOURS: '1',
      WEBHOOK_RETENTION_DAYS: '2',
      JOB_RETENTION_DAYS: '3',
      LIVE_TRANSCRIPT_RETENTION_DAYS: '1',
    });
    liveSessions = new LiveSessionsRepository(harness.mongo);
  });

  afterAll(async () => {
    await harness?.close();
  });

  /** The record of a job whose source is an upload, as the API stores it. */
  const uploadJob = (jobId: string, tenantId: string) =>
    newJobRecord({
      jobId,
      tenantId,
      source: { kind: 'upload', storageKey: jobKeys.source(jobId) },
      provider: 'openai',
      fallbackProviders: [],
      translateTo: [],
      translationProvider: 'openai',
      priority: 'normal',
    });

  /** A finished job `ageMs` old, with a source file, a transcript, a chunk result and a delivered webhook. */
  async function finishedJob(tenantId: string, ageMs: number): Promise<string> {
    const jobId = newId('job');
    const finishedAt = new Date(Date.now() - ageMs);
    await harness.jobs.create(uploadJob(jobId, tenantId));
    await harness.jobs.update(jobId, {
      status: 'completed',
      stage: 'done',
      finishedAt,
      usage: [{ provider: 'openai', audioSeconds: 7, requests: 1 }],
    });
    await harness.storage.write(jobKeys.source(jobId), Readable.from([Buffer.from('media')]), { maxBytes: 100 });
    await harness.chunks.save({
      jobId,
      index: 0,
      offsetS: 0,
      durationS: 7,
      provider: 'openai',
      model: 'whisper-1',
      text: 'x',
      segments: [],
      words: [],
      simulated: true,
    });
    const eventId = `evt_${jobId}_completed`;
    await harness.mongo.collection('webhook_events').insertOne({
      _id: eventId as never,
      tenantId,
      jobId,
      type: 'job.completed',
      url: 'https://example.com/hook',
      body: '{}',
      createdAt: finishedAt,
    });
    await harness.webhooks.recordAttempt({
      eventId,
      tenantId,
      jobId,
      type: 'job.completed',
      attempt: 1,
      statusCode: 200,
      latencyMs: 5,
      delivered: true,
      at: finishedAt,
    });
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

  /** A live session started `ageMs` ago with two final lines; still `live` when its API instance died. */
  async function liveSession(
    tenantId: string,
    ageMs: number,
    status: 'live' | 'ended',
    hostId?: string,
  ): Promise<string> {
    const sessionId = newId('live');
    const startedAt = new Date(Date.now() - ageMs);
    await harness.mongo.collection('live_sessions').insertOne({
      _id: sessionId as never,
      tenantId,
      userId: 'u',
      authType: 'api_key',
      language: 'en',
      status,
      startedAt,
      ...(hostId ? { hostId } : {}),
      ...(status === 'ended' ? { endedAt: new Date(startedAt.getTime() + 60_000), endReason: 'stopped' } : {}),
    });
    await liveSessions.addLines(
      [0, 1].map((seq) => ({ sessionId, seq, start: seq, end: seq + 1, text: `line ${seq}` })),
    );
    return sessionId;
  }

  it('removes expired media, transcripts, chunk results, deliveries, jobs and idempotency keys, and starts stranded jobs', async () => {
    const { tenantId } = await harness.createTenant();
    const liveFresh = await liveSession(tenantId, 10 * 60_000, 'ended');
    // Started before the cutoff by more than LIVE_MAX_SESSION_MINUTES (2 h): over, even though never marked so.
    const liveOrphaned = await liveSession(tenantId, 30 * HOUR, 'live');
    // Ended 24.5 h ago, but it may have lasted up to 2 h, so the walk by start time keeps it until 26 h.
    const liveWithinMargin = await liveSession(tenantId, 25 * HOUR, 'ended');
    // Its instance crashed 10 minutes into it, 3 h ago: over for good, its host record no longer needed.
    const crashedHost = `host_${newId('t')}`;
    const crashedHostSeenAt = new Date(Date.now() - 3 * HOUR + 10 * 60_000);
    const liveCrashed = await liveSession(tenantId, 3 * HOUR, 'live', crashedHost);
    // Streaming from an instance that heartbeats: left alone, and so is its host.
    const runningHost = `host_${newId('t')}`;
    const liveRunning = await liveSession(tenantId, 30 * 60_000, 'live', runningHost);
    // Started while its instance's heartbeats were already failing: it ends when it started, not before.
    const silentHost = `host_${newId('t')}`;
    const liveAfterLastBeat = await liveSession(tenantId, 4 * HOUR, 'live', silentHost);
    await harness.mongo.collection('live_hosts').insertMany([
      { _id: silentHost as never, seenAt: new Date(Date.now() - 5 * HOUR) },
      { _id: crashedHost as never, seenAt: crashedHostSeenAt },
      { _id: runningHost as never, seenAt: new Date() },
    ]);
    const fresh = await finishedJob(tenantId, 10 * 60_000);
    const mediaExpired = await finishedJob(tenantId, 3 * HOUR);
    const allExpired = await finishedJob(tenantId, 30 * HOUR);
    // Past JOB_RETENTION_DAYS (3): deleted whole, as a DELETE would.
    const recordExpired = await finishedJob(tenantId, 4 * 24 * HOUR);
    // A long translation: its words are kept in storage, which retention must clear as well.
    await harness.transcripts.save({
      jobId: allExpired,
      tenantId,
      kind: 'translation',
      language: 'es',
      text: 'y',
      segments: [],
      words: Array.from({ length: 9_000 }, (_, i) => ({ start: i, end: i + 0.3, word: `palabra${i}`, confidence: 1 })),
      durationS: 9_000,
      providers: ['openai'],
      simulated: true,
    });
    expect(await harness.storage.size(jobKeys.transcript(allExpired, 'es'))).toBeGreaterThan(0);
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
      ...uploadJob(stranded, tenantId),
      createdAt: new Date(Date.now() - 5 * 60_000),
      updatedAt: new Date(),
    } as never);

    const sweepId = `retention-${newId('t')}`;
    const report = await harness.client.workflow.execute<() => Promise<RetentionReport>>('retentionSweep', {
      workflowId: sweepId,
      taskQueue: harness.config.temporal.taskQueue,
    });
    await recordHistoryIfAsked(harness.client, sweepId, 'retention-sweep');

    expect(report).toEqual({
      mediaRemoved: 3,
      transcriptsRemoved: 2,
      chunksRemoved: 3,
      // The event and the attempt sent before WEBHOOK_RETENTION_DAYS (2).
      webhookDeliveriesRemoved: 2,
      jobsRemoved: 1,
      liveTranscriptsRemoved: 1,
      abandonedLiveSessionsEnded: 3,
      idempotencyKeysRemoved: 1,
      strandedJobsStarted: 1,
    });
    expect(await harness.storage.size(jobKeys.source(fresh))).toBeGreaterThan(0);
    expect(await harness.storage.size(jobKeys.source(mediaExpired))).toBeUndefined();
    expect(await harness.transcripts.load(mediaExpired, 'en')).toBeDefined();
    expect(await harness.chunks.listForJob(fresh)).toHaveLength(1);
    expect(await harness.chunks.listForJob(mediaExpired)).toEqual([]);
    expect(await harness.webhooks.attemptsForJob(allExpired)).toHaveLength(1);
    expect(await harness.webhooks.attemptsForJob(recordExpired)).toEqual([]);
    expect(await harness.jobs.findById(recordExpired)).toBeUndefined();
    // What a deleted job used still counts in its tenant's usage (the stranded job, finishing now, is not asked).
    expect(await harness.jobs.usageForTenant(tenantId, new Date(0), new Date(Date.now() - 5 * 60_000))).toEqual({
      jobs: 4,
      usage: [{ provider: 'openai', audioSeconds: 28, requests: 4 }],
    });
    expect(await harness.jobs.findById(allExpired)).toMatchObject({ transcriptsRemovedBy: 'retention' });
    expect(await harness.transcripts.load(allExpired, 'en')).toBeUndefined();
    expect(await harness.transcripts.load(allExpired, 'es')).toBeUndefined();
    expect(await harness.storage.size(jobKeys.transcript(allExpired, 'es'))).toBeUndefined();
    expect(await harness.mongo.collection('idempotency_keys').countDocuments({ tenantId })).toBe(1);
    expect((await harness.waitForJob(stranded)).status).toBe('completed');
    expect(await liveSessions.lineCount(liveOrphaned)).toBe(0);
    expect(await liveSessions.findForTenant(tenantId, liveOrphaned)).toMatchObject({
      linesRemovedAt: expect.any(Date),
      linesRemovedBy: 'retention',
    });
    // Ended in the record now: at the crashed host's last beat, or at the latest a hostless one could have run.
    const stored = (sessionId: string) =>
      harness.mongo.collection('live_sessions').findOne({ _id: sessionId as never });
    const orphanedRecord = await stored(liveOrphaned);
    expect(orphanedRecord).toMatchObject({ status: 'ended', endReason: 'server_lost' });
    expect(orphanedRecord!.endedAt.getTime() - orphanedRecord!.startedAt.getTime()).toBe(2 * HOUR);
    expect(await stored(liveCrashed)).toMatchObject({
      status: 'ended',
      endReason: 'server_lost',
      endedAt: crashedHostSeenAt,
    });
    const afterLastBeatRecord = await stored(liveAfterLastBeat);
    expect(afterLastBeatRecord).toMatchObject({ status: 'ended', endReason: 'server_lost' });
    expect(afterLastBeatRecord!.endedAt).toEqual(afterLastBeatRecord!.startedAt);
    expect(await stored(liveRunning)).toMatchObject({ status: 'live' });
    expect(
      (
        await harness.mongo
          .collection('live_hosts')
          .find({ _id: { $in: [crashedHost, silentHost, runningHost] as never[] } })
          .toArray()
      ).map((host) => host._id),
    ).toEqual([runningHost]);
    for (const kept of [liveFresh, liveWithinMargin]) {
      expect(await liveSessions.lineCount(kept)).toBe(2);
      expect((await liveSessions.findForTenant(tenantId, kept))?.linesRemovedAt).toBeUndefined();
    }

    // A second sweep finds nothing new: the checkpoints moved on.
    const again = await harness.client.workflow.execute<() => Promise<RetentionReport>>('retentionSweep', {
      workflowId: `retention-${newId('t')}`,
      taskQueue: harness.config.temporal.taskQueue,
    });
    expect(again).toEqual({
      mediaRemoved: 0,
      transcriptsRemoved: 0,
      chunksRemoved: 0,
      webhookDeliveriesRemoved: 0,
      jobsRemoved: 0,
      liveTranscriptsRemoved: 0,
      abandonedLiveSessionsEnded: 0,
      idempotencyKeysRemoved: 0,
      strandedJobsStarted: 0,
    });
  });

  it('walks past a page boundary inside one timestamp: every job once, none repeated', async () => {
    // More jobs than one page (500) ended in the same millisecond, as a bulk cancel can make them.
    const { tenantId } = await harness.createTenant();
    const endedAt = new Date(Date.now() - 2.5 * HOUR);
    const jobIds = Array.from({ length: 620 }, () => newId('job'));
    await harness.mongo.collection('jobs').insertMany(
      jobIds.map((jobId) => ({
        ...uploadJob(jobId, tenantId),
        status: 'cancelled',
        finishedAt: endedAt,
      })) as never[],
    );
    const lastJob = jobIds.at(-1)!;
    await harness.storage.write(jobKeys.source(lastJob), Readable.from([Buffer.from('media')]), { maxBytes: 100 });
    // The media walk resumes exactly at that millisecond; the first test's jobs ended outside this window.
    await harness.mongo
      .collection('maintenance_checkpoints')
      .updateOne({ _id: 'media' as never }, { $set: { until: endedAt } }, { upsert: true });

    const report = await harness.client.workflow.execute<() => Promise<RetentionReport>>('retentionSweep', {
      workflowId: `retention-${newId('t')}`,
      taskQueue: harness.config.temporal.taskQueue,
    });

    expect(report.mediaRemoved).toBe(jobIds.length);
    expect(await harness.storage.size(jobKeys.source(lastJob))).toBeUndefined();
  });

  it('creates the schedule idempotently, visible to ops with its interval', async () => {
    const config = loadConfig({ ...harness.env, RETENTION_SWEEP_INTERVAL_MINUTES: '60' });
    const scheduleId = retentionScheduleId(config.temporal.taskQueue);
    try {
      expect(await ensureRetentionSchedule(harness.client, config)).toBe(scheduleId);
      expect(
        await ensureRetentionSchedule(
          harness.client,
          loadConfig({ ...harness.env, RETENTION_SWEEP_INTERVAL_MINUTES: '30' }),
        ),
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
