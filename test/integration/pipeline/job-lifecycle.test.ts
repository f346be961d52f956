import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { existsSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { progressQuery } from '../../../workflows/definitions';
import { jobKeys } from '../../../libs/storage/local-storage';
import { speechRecording } from '../../support/audio-fixtures';
import { recordHistoryIfAsked } from '../../support/histories';
import { startFileServer, type FileServer } from '../../support/file-server';
import { startPipelineHarness, type PipelineHarness } from '../../support/pipeline-harness';
import { waitUntil } from '../../support/wait-until';
import { startWebhookReceiver } from '../../support/webhook-receiver';

describe('transcriptionJob lifecycle', () => {
  let harness: PipelineHarness;
  let files: FileServer;

  beforeAll(async () => {
    harness = await startPipelineHarness();
    files = await startFileServer({ '/talk.mp3': { file: await speechRecording(120) } });
  });

  beforeEach(() => {
    harness.simulator.faults.reset();
    harness.simulator.stats.reset();
  });

  afterAll(async () => {
    await files?.close();
    await harness?.close();
  });

  /** A new tenant's job of the talk, reporting to `webhookUrl`. */
  async function submitWithWebhook(webhookUrl: string, extra: { retention?: 'none' } = {}) {
    const { tenantId, secret } = await harness.createTenant();
    const jobId = await harness.submit({
      tenantId,
      source: { kind: 'url', url: files.url('/talk.mp3') },
      webhookUrl,
      ...extra,
    });
    return { jobId, secret };
  }

  it('retries a failing webhook receiver with the same webhook-id and body until it accepts', async () => {
    const receiver = await startWebhookReceiver([500, 200]);
    try {
      const { jobId, secret } = await submitWithWebhook(receiver.url);
      expect((await harness.waitForJob(jobId)).status).toBe('completed');

      const [first, second] = await receiver.waitFor(2, 30_000);
      expect(first!.status).toBe(500);
      expect(second!.status).toBe(200);
      expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
      expect(second!.body).toBe(first!.body);
      for (const delivery of [first!, second!]) {
        expect(() =>
          new Webhook(secret).verify(delivery.body, delivery.headers as Record<string, string>),
        ).not.toThrow();
      }
      // Backoff with jitter: the retry came 5 s ± 25 % later.
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(3_500);

      const attempts = await waitUntil('two recorded attempts', async () => {
        const recorded = await harness.webhooks.attemptsForJob(jobId);
        return recorded.length === 2 && recorded;
      });
      expect(attempts.map((a) => [a.attempt, a.statusCode, a.delivered])).toEqual([
        [1, 500, false],
        [2, 200, true],
      ]);
      // The job workflow made attempt 1; the delivery workflow it then started carried on from there.
      expect(await harness.client.workflow.getHandle(`${jobId}-webhook-completed`).result()).toEqual({
        delivered: true,
        attempts: 2,
        statusCode: 200,
      });
    } finally {
      await receiver.close();
    }
  });

  it('keeps a retention "none" job\'s transcript until its webhook is delivered, then removes it and its media', async () => {
    const receiver = await startWebhookReceiver([500, 200]);
    try {
      const { jobId } = await submitWithWebhook(receiver.url, { retention: 'none' });
      expect((await harness.waitForJob(jobId)).status).toBe('completed');
      // The receiver refused the first attempt: the transcript waits for the retry.
      await receiver.waitFor(1);
      expect(await harness.transcripts.load(jobId, 'en')).toBeDefined();

      await receiver.waitFor(2, 30_000);
      const job = await waitUntil('the transcripts removed after delivery', async () => {
        const record = await harness.jobs.findById(jobId);
        return record?.transcriptsRemovedAt && record;
      });
      expect(job).toMatchObject({ status: 'completed', retention: 'none', transcriptsRemovedBy: 'delivery' });
      expect(await harness.transcripts.load(jobId, 'en')).toBeUndefined();
      expect(existsSync(harness.storage.path(jobKeys.root(jobId)))).toBe(false);
    } finally {
      await receiver.close();
    }
  });

  it('stops delivering when the receiver answers 410 Gone, and the job stays completed', async () => {
    const receiver = await startWebhookReceiver([410]);
    try {
      const { jobId } = await submitWithWebhook(receiver.url);
      expect((await harness.waitForJob(jobId)).status).toBe('completed');
      // The job workflow's own first attempt got the 410: no delivery workflow was started for retries.
      await harness.client.workflow.getHandle(jobId).result();
      await expect(harness.client.workflow.getHandle(`${jobId}-webhook-completed`).describe()).rejects.toThrow(
        WorkflowNotFoundError,
      );
      expect(receiver.received).toHaveLength(1);
      expect(await harness.webhooks.attemptsForJob(jobId)).toEqual([
        expect.objectContaining({ attempt: 1, statusCode: 410, delivered: false }),
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('cancels mid-transcription: provider calls aborted, temp files removed, job.cancelled sent', async () => {
    harness.simulator.faults.update({ transcriptions: { latencyMs: 60_000 } });
    const receiver = await startWebhookReceiver([200]);
    try {
      const { jobId, secret } = await submitWithWebhook(receiver.url);
      const handle = harness.client.workflow.getHandle(jobId);

      await waitUntil('provider calls in flight', async () => {
        const progress = await handle.query(progressQuery);
        return progress.stage === 'transcribing' && harness.simulator.stats.scopes.transcriptions.inFlight > 0;
      });
      expect(existsSync(harness.storage.path(jobKeys.work(jobId)))).toBe(true);
      await handle.cancel();

      const error = await handle.result().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowFailedError);
      expect((error as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);

      const job = (await harness.jobs.findById(jobId))!;
      expect(job.status).toBe('cancelled');
      expect(job.finishedAt).toBeInstanceOf(Date);
      expect(existsSync(harness.storage.path(jobKeys.work(jobId)))).toBe(false);
      await waitUntil(
        'aborted provider calls',
        () => harness.simulator.stats.scopes.transcriptions.inFlight === 0,
        10_000,
      );
      expect(harness.simulator.stats.scopes.transcriptions.ok).toBe(0);

      const [delivery] = await receiver.waitFor(1);
      const payload = new Webhook(secret).verify(delivery!.body, delivery!.headers as Record<string, string>) as {
        type: string;
        data: { job: { status: string } };
      };
      expect(payload.type).toBe('job.cancelled');
      expect(payload.data.job.status).toBe('cancelled');
      expect((await handle.describe()).status.name).toBe('CANCELLED');
      await recordHistoryIfAsked(harness.client, jobId, 'transcription-job.cancelled');
    } finally {
      await receiver.close();
    }
  });
});
