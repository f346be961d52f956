import { setTimeout as sleep } from 'node:timers/promises';
import { execFile } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { loadConfig } from '../libs/config';
import { provisionApiKey } from '../libs/tenants/tenant-keys';
import { activityLatency } from './activity-latency';
import {
  cpuSpent,
  listenOnLoopback,
  percentile,
  report,
  runBench,
  saveResults,
  stackCpuSeconds,
  startBenchStack,
} from './bench-support';
import { longRecording } from './long-recording';

const run = promisify(execFile);

/**
 * Orchestration throughput: many short jobs (by URL, zero simulator latency) submitted through the API, each
 * ending in a webhook: as fast as it accepts them from `concurrency` clients, or with `--rate R` at R jobs a
 * second. Reports accepted/s, completed/s, submit latency and submit → webhook, the task-queue backlog the API
 * exports, and how fast the jobs in flight grew while submitting.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '16' },
      rate: { type: 'string', default: '0' },
    },
  });
  const jobs = Number(values.jobs);
  const concurrency = Number(values.concurrency);
  const rate = Number(values.rate);
  const scratch = mkdtempSync(join(tmpdir(), 'voxflow-bench-throughput-'));
  const clip = join(scratch, 'clip.mp3');
  await run('ffmpeg', ['-v', 'error', '-y', '-i', await longRecording(1), '-t', values.seconds, '-c', 'copy', clip]);

  const files = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': statSync(clip).size });
    createReadStream(clip).pipe(res);
  });
  const webhookAt = new Map<string, number>();
  const hooks = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const { data } = JSON.parse(body) as { data: { job: { id: string } } };
      if (!webhookAt.has(data.job.id)) webhookAt.set(data.job.id, Date.now());
      res.writeHead(204).end();
    });
  });
  const [filesUrl, hooksUrl] = [await listenOnLoopback(files), await listenOnLoopback(hooks)];

  // One tenant submits the whole run: its request rate and jobs in flight may not be what limits it.
  const stack = await startBenchStack('throughput', scratch, {
    RATE_LIMIT_PER_MINUTE: String(Math.max(600, jobs * 10)),
    TENANT_MAX_JOBS_IN_FLIGHT: String(Math.max(1000, jobs)),
  });
  try {
    const { key } = await provisionApiKey(loadConfig(stack.env).mongodb.uri, 'bench-throughput');

    const backlog: number[] = [];
    const sampler = setInterval(() => {
      void fetch(`${stack.apiUrl}/metrics`)
        .then((r) => r.text())
        .then((text) => {
          const match = /voxflow_task_queue_backlog\{[^}]*type="activity"[^}]*\} (\d+)/.exec(text);
          if (match) backlog.push(Number(match[1]));
        })
        .catch(() => undefined);
    }, 2_000);

    const submittedAt = new Map<string, number>();
    const submitMs: number[] = [];
    let refused = 0;
    /** Submits one job; `since` is when it was due, so a late load generator counts against the latency. */
    const submitOne = async (since: number): Promise<void> => {
      const response = await fetch(`${stack.apiUrl}/v1/jobs`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ audio_url: `${filesUrl}/clip.mp3`, webhook_url: `${hooksUrl}/hooks` }),
      });
      submitMs.push(Math.round(Date.now() - since));
      if (response.status !== 202) {
        refused++;
        return;
      }
      submittedAt.set(((await response.json()) as { id: string }).id, since);
    };
    // Jobs accepted and not yet finished, sampled while submitting: with a paced load, a backlog that keeps
    // growing means the rate is more than the stack sustains.
    const inFlight: Array<[number, number]> = [];
    const cpuBefore = stackCpuSeconds(stack);
    const started = Date.now();
    const inFlightSampler = setInterval(
      () => inFlight.push([(Date.now() - started) / 1000, submittedAt.size - webhookAt.size]),
      1_000,
    );
    if (rate > 0) await submitPaced(jobs, rate, submitOne);
    else await submitClosedLoop(jobs, concurrency, submitOne);
    clearInterval(inFlightSampler);
    const submitted = Date.now();
    const deadline = Date.now() + Math.max(120_000, jobs * 2_000);
    while (webhookAt.size < submittedAt.size && Date.now() < deadline) await sleep(250);
    clearInterval(sampler);
    const cpuAfter = stackCpuSeconds(stack);
    // Where the CPU went while the jobs ran: per part of the stack, and per completed job.
    const cpu = cpuSpent(cpuBefore, cpuAfter);
    const cpuTotal = Object.values(cpu).reduce((sum, seconds) => sum + seconds, 0);

    const ends = [...webhookAt.values()].sort((a, b) => a - b);
    const lastEnd = ends.at(-1) ?? Date.now();
    // Completions per second over the whole run. (A "sustained" rate between percentiles of completion
    // times misleads here: workflow tasks are served first in, first out, so a burst of jobs advances in
    // lockstep and most of them finish within seconds of each other.)
    const endToEnd = [...webhookAt].map(([id, at]) => (at - submittedAt.get(id)!) / 1000);
    const figures = {
      jobs,
      audio_s: Number(values.seconds),
      ...(rate > 0 ? { rate_per_s: rate } : { concurrency }),
      accepted: submittedAt.size,
      refused,
      webhooks: webhookAt.size,
      accepted_per_s: Number((submittedAt.size / ((submitted - started) / 1000)).toFixed(1)),
      completed_per_s: Number((webhookAt.size / ((lastEnd - started) / 1000)).toFixed(1)),
      submit_p50_ms: percentile(submitMs, 0.5),
      submit_p99_ms: percentile(submitMs, 0.99),
      webhook_p50_s: Number(percentile(endToEnd, 0.5).toFixed(1)),
      webhook_p99_s: Number(percentile(endToEnd, 0.99).toFixed(1)),
      backlog_max: Math.max(0, ...backlog),
      backlog_last: backlog.at(-1) ?? 0,
      in_flight_growth_per_s: Number(slope(inFlight.slice(Math.floor(inFlight.length / 4))).toFixed(2)),
      in_flight_at_last_submit: inFlight.at(-1)?.[1] ?? 0,
    };
    report('throughput', figures);
    report('  cpu', { ...cpu, per_job_ms: Math.round((cpuTotal * 1000) / Math.max(1, webhookAt.size)) });
    // Spread the sample over the run: early jobs meet an idle stack, late ones the backlog.
    const finished = [...webhookAt.keys()];
    const sample = finished.filter((_, i) => i % Math.max(1, Math.floor(finished.length / 30)) === 0);
    const tasks = await activityLatency(
      loadConfig(stack.env),
      sample.flatMap((id) => [id, `${id}-webhook-completed`]),
    );
    for (const [type, spans] of Object.entries(tasks)) report(`  ${type}`, spans);
    const goal = '≥ 20 completed jobs/s, p99 submit ≤ 50 ms, no backlog growth';
    process.stdout.write(`results: ${saveResults('throughput', { figures, cpu, tasks, goal })}\n`);
  } finally {
    await stack.stop();
    files.close();
    hooks.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** `concurrency` clients, each submitting its next job when the last is answered: the most the API accepts. */
async function submitClosedLoop(jobs: number, concurrency: number, submitOne: (since: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs) {
        next++;
        await submitOne(Date.now());
      }
    }),
  );
}

/**
 * One job every 1/rate seconds whatever the answers (an open loop, as independent clients behave): the
 * latency a client sees at that load, not the queueing of a fixed number of clients on a saturated stack.
 */
async function submitPaced(jobs: number, rate: number, submitOne: (since: number) => Promise<void>) {
  const start = Date.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < jobs; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    pending.push(submitOne(due));
  }
  await Promise.all(pending);
}

/** Least-squares slope of [x, y] points (0 for fewer than two). */
function slope(points: Array<[number, number]>): number {
  if (points.length < 2) return 0;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  const covariance = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const variance = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return covariance / variance;
}

runBench('throughput', main);
