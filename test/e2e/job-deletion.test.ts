import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { newId } from '../../libs/db/ids';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { speechRecording } from '../support/audio-fixtures';
import { startFileServer, type FileServer } from '../support/file-server';
import { waitUntil } from '../support/wait-until';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/**
 * DELETE /v1/jobs/:id against its own stack, so that the job under test is the only one there: its
 * transcript's words cannot be confused with another job's.
 */
describe('deleting a job', () => {
  let api: ApiHarness;
  let files: FileServer;
  let receiver: WebhookReceiver;
  let key: string;

  beforeAll(async () => {
    api = await startApiHarness();
    files = await startFileServer({ '/talk.mp3': { file: await speechRecording(60) } });
    // The first delivery is refused, so a delivery workflow retries it: one more history to delete.
    receiver = await startWebhookReceiver([500, 200]);
    ({ key } = await api.tenant());
  });

  afterAll(async () => {
    await receiver?.close();
    await files?.close();
    await api?.close();
  });

  /** Where each trace appears: any document of any collection of the stack's database, any file in storage. */
  async function findTraces(traces: string[]): Promise<string[]> {
    const found: string[] = [];
    const db = api.mongo.db!;
    for (const { name } of await db.listCollections().toArray()) {
      for (const doc of await db.collection(name).find().toArray()) {
        const text = JSON.stringify(doc);
        for (const trace of traces) if (text.includes(trace)) found.push(`${name}: ${trace}`);
      }
    }
    for (const entry of await readdir(api.storage.root, { recursive: true, withFileTypes: true })) {
      const path = join(entry.parentPath, entry.name);
      const text = entry.isFile() ? path + (await readFile(path, 'latin1')) : path;
      for (const trace of traces) if (text.includes(trace)) found.push(`${path}: ${trace}`);
    }
    return found;
  }

  it('removes the job and everything of it: nothing by its id or content in any collection, file or workflow', async () => {
    const marker = `ref-${newId('m')}`;
    const submitted = await api.call('/v1/jobs', {
      key,
      method: 'POST',
      headers: { 'idempotency-key': marker },
      json: {
        audio_url: files.url('/talk.mp3'),
        translate_to: ['es'],
        webhook_url: receiver.url,
        metadata: { marker },
      },
    });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };
    await receiver.waitFor(2, 60_000);
    await waitUntil('both deliveries recorded on the job', async () => {
      const job = (await (await api.call(`/v1/jobs/${id}`, { key })).json()) as {
        webhook: { deliveries: unknown[] };
      };
      return job.webhook.deliveries.length === 2;
    });
    const transcript = async (lang: string) =>
      ((await (await api.call(`/v1/jobs/${id}/transcript?lang=${lang}`, { key })).json()) as { text: string }).text;
    const traces = [id, marker, (await transcript('en')).slice(0, 40), (await transcript('es')).slice(0, 40)];
    // Every trace is there to be found before, so finding none afterwards means they went.
    const before = await findTraces(traces);
    for (const trace of traces) expect(before.some((place) => place.endsWith(`: ${trace}`))).toBe(true);

    const deleted = await api.call(`/v1/jobs/${id}`, { key, method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({
      id,
      deleted: true,
      removed: {
        files: true,
        transcripts: 2,
        // Per-chunk results went as the job completed (CHUNK_RETENTION_HOURS defaults to 0).
        chunks: 0,
        webhook_events: 1,
        webhook_deliveries: 2,
        idempotency_keys: 1,
        // The job's own and its webhook delivery's.
        workflow_histories: 2,
      },
    });

    expect(await findTraces(traces)).toEqual([]);
    for (const path of [`/v1/jobs/${id}`, `/v1/jobs/${id}/transcript`]) {
      expect((await api.call(path, { key })).status).toBe(404);
    }
    expect((await api.call(`/v1/jobs/${id}`, { key, method: 'DELETE' })).status).toBe(404);
    const list = (await (await api.call('/v1/jobs', { key })).json()) as { data: unknown[] };
    expect(list.data).toEqual([]);
    // What it used still counts in the tenant's usage.
    const usage = (await (await api.call('/v1/usage', { key })).json()) as { jobs: number };
    expect(usage.jobs).toBe(1);
    // Its Idempotency-Key no longer names it: a request with the key makes a new job (not a 422 for another body).
    const again = await api.call('/v1/jobs', {
      key,
      method: 'POST',
      headers: { 'idempotency-key': marker },
      json: { audio_url: files.url('/talk.mp3') },
    });
    expect(again.status).toBe(202);
    expect(((await again.json()) as { id: string }).id).not.toBe(id);

    // The workflows' histories, memos and search attributes go too. The server deletes them in the background,
    // once its transfer queue has moved past the workflow's close (docs/operations.md).
    for (const workflowId of [id, `${id}-webhook-completed`]) {
      await waitUntil(
        `workflow ${workflowId} deleted`,
        async () => {
          const described = await api.client.workflow
            .getHandle(workflowId)
            .describe()
            .catch((error: unknown) => error);
          return described instanceof WorkflowNotFoundError;
        },
        150_000,
      );
    }
  }, 240_000);
});
