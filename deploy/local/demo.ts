import { join } from 'node:path';
import { ApiClient } from '../../apps/cli/api-client';
import { waitForJob, type JobView } from '../../apps/cli/commands/jobs.commands';
import { loadConfig } from '../../libs/config';
import { provisionApiKey } from '../../libs/tenants/tenant-keys';
import { startVerifyingReceiver } from './demo-webhook-receiver';
import { readInfraOptions } from './infra-options';
import { SANDBOX_BANNER } from './sandbox';
import { startStack, type RunningStack } from './stack';

const SAMPLE = 'samples/weekly-sync.mp3';
const say = (text: string) => process.stdout.write(`${text}\n`);
const step = (n: number, text: string) => say(`\n[${n}/6] ${text}`);

/**
 * `npm run demo`: the main job, end to end on this machine. Starts what is missing, submits a sample
 * recording with a Spanish translation, verifies the signed webhook, prints the results, and stops what it
 * started (unless --keep).
 */
async function main(keep: boolean): Promise<number> {
  const options = readInfraOptions();
  const logDir = join(options.dataDir, 'logs', 'demo');
  say('Voxflow demo: one recording through the durable pipeline.');

  step(1, 'Starting the stack (infrastructure, API, worker) …');
  const allow = [process.env.OUTBOUND_ALLOW_CIDRS, '127.0.0.1/32'].filter(Boolean).join(',');
  let stack: RunningStack | undefined;
  const started = Date.now();
  try {
    stack = await startStack({
      infra: options,
      logs: { mode: 'file', dir: logDir, detached: keep },
      portBusy: 'pick-free',
      // The local webhook receiver listens on 127.0.0.1, which server-side fetches refuse unless allowed.
      env: { OUTBOUND_ALLOW_CIDRS: allow, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
    });
    for (const c of stack.infra) say(`      ${c.name.padEnd(8)} ${c.state.padEnd(8)} ${c.address}`);
    say(`      api      started  ${stack.apiUrl}   (logs in ${logDir})`);
    say(`      ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (stack.sandbox) say(`\n${SANDBOX_BANNER}`);

    step(2, 'Creating the tenant "demo" with an API key and a webhook secret …');
    const config = loadConfig(stack.env);
    const demo = await provisionApiKey(config.mongodb.uri, 'demo', { label: 'npm run demo' });
    say(`      key ${demo.key.slice(0, 12)}…  secret ${demo.webhookSecret.slice(0, 12)}…`);
    const receiver = await startVerifyingReceiver(demo.webhookSecret);

    try {
      step(3, `Submitting ${SAMPLE} (upload) with translate_to=es and a webhook …`);
      const api = new ApiClient({ apiUrl: stack.apiUrl, apiKey: demo.key });
      const submittedAt = Date.now();
      const { id } = await api.submit(join(options.repoRoot, SAMPLE), {
        translate_to: ['es'],
        webhook_url: receiver.url,
      });
      say(`      job ${id} accepted (202)`);

      step(4, 'Waiting for the workflow …');
      const job: JobView = await waitForJob(api, id, 500);
      if (job.status !== 'completed') {
        say(`      job ended ${job.status}: ${job.error?.code ?? ''} ${job.error?.message ?? ''}`);
        return 1;
      }

      step(5, 'Waiting for the signed webhook …');
      const event = await receiver.next(30_000);
      say(`      ✓ ${event.type} received, Standard Webhooks signature verified (webhook-id ${event.id})`);
      say(`      submit → webhook: ${((Date.now() - submittedAt) / 1000).toFixed(1)} s`);

      step(6, 'Results');
      const original = await (await api.raw(`/v1/jobs/${id}/transcript?format=txt`)).text();
      const spanish = await (await api.raw(`/v1/jobs/${id}/transcript?format=txt&lang=es`)).text();
      say(`\n--- transcript (${job.detected_language}) ${stack.sandbox ? '[simulated]' : ''}\n${original.trim()}`);
      say(`\n--- translation (es) ${stack.sandbox ? '[simulated]' : ''}\n${spanish.trim()}`);
      say('\n--- timings (ms)');
      for (const [stage, ms] of Object.entries(job.timings)) say(`  ${stage.padEnd(13)} ${String(ms).padStart(7)}`);
      say(`\n--- audio ${job.duration_s?.toFixed(1)} s in ${job.progress.chunks_total} chunks`);
      const namespace = encodeURIComponent(config.temporal.namespace);
      say(`--- Temporal UI: http://127.0.0.1:${options.ports.temporalUi}/namespaces/${namespace}/workflows/${id}`);
      say(`--- API:         ${job.links.self}`);
      say('    a key of your own: npm run cli -- keys create --tenant demo   (shown once)');
      return 0;
    } finally {
      receiver.close();
    }
  } finally {
    if (stack && keep) {
      say(
        `\n--keep: the stack is still running (API ${stack.apiUrl}). Stop it with Ctrl-C here is not possible; run: npm run infra:down and stop the API/worker processes.`,
      );
    } else if (stack) {
      say('\nStopping what the demo started …');
      await stack.stop();
    }
  }
}

const keep = process.argv.includes('--keep');
main(keep).then(
  (code) => {
    if (!keep) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`\nnpm run demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
