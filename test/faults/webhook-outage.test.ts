import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { FileServer } from '../support/file-server';
import { startPipelineHarness, type PipelineHarness } from '../support/pipeline-harness';
import { waitUntil } from '../support/wait-until';
import { reportFaults, settle, serveRecordings } from './fault-support';

const JOBS = 8;
const OUTAGE_MS = 20_000;

interface Delivery {
  id: string;
  body: string;
  headers: Record<string, string>;
  at: number;
}

/** A webhook receiver that can go away (connections refused) and come back on the same port. */
async function flakyReceiver() {
  const deliveries: Delivery[] = [];
  let server: Server | undefined;
  let port = 0;
  const up = () =>
    new Promise<void>((resolvePromise) => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          const headers = req.headers as Record<string, string>;
          deliveries.push({ id: headers['webhook-id']!, body, headers, at: Date.now() });
          res.writeHead(204).end();
        });
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolvePromise();
      });
    });
  const down = () =>
    new Promise<void>((resolvePromise) => {
      server?.closeAllConnections();
      server?.close(() => resolvePromise());
    });
  await up();
  return { deliveries, url: () => `http://127.0.0.1:${port}/hooks`, up, down };
}

describe('faults: the webhook receiver is down for a while, then back', () => {
  let harness: PipelineHarness;
  let files: FileServer;

  beforeAll(async () => {
    harness = await startPipelineHarness();
    files = await serveRecordings(JOBS, 10);
  });

  afterAll(async () => {
    await files?.close();
    await harness?.close();
  });

  it('delivers every event once it is back, validly signed, duplicates only under one webhook-id', async () => {
    const receiver = await flakyReceiver();
    const url = receiver.url();
    await receiver.down();
    const outageStarted = Date.now();
    const { tenantId, secret } = await harness.createTenant();
    const submitted = new Map<string, number>();
    for (let i = 0; i < JOBS; i++) {
      const source = { kind: 'url' as const, url: files.url(`/take-${i}.mp3`) };
      submitted.set(await harness.submit({ tenantId, source, webhookUrl: url }), Date.now());
    }
    const outcome = await settle(harness, submitted, 120_000);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - outageStarted)));
    await receiver.up();
    const backAt = Date.now();

    const jobIds = new Set(submitted.keys());
    const deliveredJobs = () =>
      new Set(receiver.deliveries.map((d) => (JSON.parse(d.body) as { data: { job: { id: string } } }).data.job.id));
    await waitUntil('an event for every job', () => [...jobIds].every((id) => deliveredJobs().has(id)), 90_000).catch(
      () => undefined,
    );
    await receiver.down();

    const verifier = new Webhook(secret);
    const badSignatures = receiver.deliveries.filter((d) => {
      try {
        verifier.verify(d.body, d.headers);
        return false;
      } catch {
        return true;
      }
    }).length;
    const bodiesById = new Map<string, Set<string>>();
    for (const d of receiver.deliveries) bodiesById.set(d.id, (bodiesById.get(d.id) ?? new Set()).add(d.body));
    const conflicting = [...bodiesById.values()].filter((bodies) => bodies.size > 1).length;
    const refused = await harness.mongo
      .collection('webhook_attempts')
      .countDocuments({ jobId: { $in: [...jobIds] }, delivered: false });
    const undelivered = [...jobIds].filter((id) => !deliveredJobs().has(id)).length;
    const afterBack = receiver.deliveries.map((d) => (d.at - backAt) / 1000).sort((a, b) => a - b);

    reportFaults('webhook-outage', {
      jobs: outcome.jobs,
      outage_s: OUTAGE_MS / 1000,
      attempts_refused: refused,
      deliveries: receiver.deliveries.length,
      bad_signatures: badSignatures,
      lost: outcome.lost + undelivered,
      duplicate_side_effects: conflicting,
      p99_delay_s: afterBack.at(-1) ?? 0,
    });
    expect(outcome.completed).toBe(JOBS);
    expect(refused).toBeGreaterThanOrEqual(JOBS);
    expect(undelivered).toBe(0);
    expect(badSignatures).toBe(0);
    expect(conflicting).toBe(0);
  });
});
