import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { readInfraOptions } from '../deploy/local/infra-options';
import { startStack, type RunningStack } from '../deploy/local/stack';

/** bench/results in the repository (this file runs from dist/bench). */
export const RESULTS_DIR = join(__dirname, '..', '..', 'bench', 'results');

/** Resident memory of a process from /proc: current (VmRSS) and peak since it started (VmHWM), in MB. */
export function processMemory(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}`;
}

/** Prints a figure line and returns it, for the JSON record. */
export function report(name: string, figures: Record<string, unknown>): void {
  process.stdout.write(
    `${name}: ${Object.entries(figures)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ')}\n`,
  );
}

export function saveResults(name: string, data: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ bench: name, machine: machine(), at: new Date().toISOString(), ...data }, null, 2)}\n`,
  );
  return file;
}

/**
 * The local stack as a benchmark runs it: production mode (prebuilt workflow bundle), the provider
 * simulator (provider keys are dropped: a benchmark must never call a real provider), its own task queue
 * and storage under `scratch`, no retention schedule, quiet logs in `scratch/logs`.
 */
export function startBenchStack(
  name: string,
  scratch: string,
  env: Record<string, string> = {},
): Promise<RunningStack> {
  for (const key of ['OPENAI_API_KEY', 'DEEPGRAM_API_KEY', 'DEEPSEEK_API_KEY']) delete process.env[key];
  return startStack({
    infra: readInfraOptions(),
    logs: { mode: 'file', dir: join(scratch, 'logs') },
    portBusy: 'pick-free',
    env: {
      NODE_ENV: 'production',
      STORAGE_DIR: join(scratch, 'storage'),
      OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
      TEMPORAL_TASK_QUEUE: `bench-${name}-${Date.now()}`,
      RETENTION_SWEEP_INTERVAL_MINUTES: '0',
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
}

/** Starts a benchmark's helper server (files, webhooks) on 127.0.0.1 and returns its base URL. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
