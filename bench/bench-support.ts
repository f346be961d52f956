import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync, readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mongoose';
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

/** CPU seconds a process has used: itself, and its finished children (ffmpeg runs of the worker). */
export function processCpuSeconds(pid: number): { self: number; children: number } {
  // Fields after the command name: utime stime cutime cstime are the 12th to 15th, in clock ticks.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ').map(Number);
  const ticks = 100; // USER_HZ, 100 on every Linux ABI
  return { self: (fields[11]! + fields[12]!) / ticks, children: (fields[13]! + fields[14]!) / ticks };
}

/** The live children of a process (from every thread's /proc children list). */
export function childPids(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
    readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
}

/**
 * CPU seconds each part of the running stack has used so far (apps and the servers Voxflow started),
 * `name_cpu_s` keys. The worker's media tools are counted apart (`ffmpeg_cpu_s`), and so is the launcher
 * process that starts them (`launcher_cpu_s`, libs/media/process-launcher).
 */
export function stackCpuSeconds(stack: RunningStack): Record<string, number> {
  const parts: [string, number | undefined][] = [
    ...stack.apps.map((app): [string, number | undefined] => [app.name, app.child.pid]),
    ...stack.infra.map((component): [string, number | undefined] => [component.name, component.pid]),
  ];
  const figures: Record<string, number> = {};
  for (const [name, pid] of parts) {
    if (!pid) continue;
    try {
      const { self, children } = processCpuSeconds(pid);
      figures[`${name}_cpu_s`] = Number(self.toFixed(1));
      if (name === 'worker') {
        // Finished tools are in the reaping process's children figure: the launcher's, or the worker's own.
        const launchers = childPids(pid).map(processCpuSeconds);
        const tools = children + launchers.reduce((sum, launcher) => sum + launcher.children, 0);
        figures.ffmpeg_cpu_s = Number(tools.toFixed(1));
        figures.launcher_cpu_s = Number(launchers.reduce((sum, launcher) => sum + launcher.self, 0).toFixed(1));
      }
    } catch {
      // Gone already (or not on this machine's /proc): left out rather than guessed.
    }
  }
  return figures;
}

/** CPU seconds spent between two readings of the same parts (`stackCpuSeconds` and the like), per part. */
export function cpuSpent(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).map(([part, seconds]) => [part, Number((seconds - (before[part] ?? 0)).toFixed(1))]),
  );
}

/** CPU seconds all cores of the machine have been busy since boot (from /proc/stat). */
export function machineCpuSeconds(): number {
  // cpu  user nice system idle iowait irq softirq steal …, in clock ticks (USER_HZ, 100).
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
}

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}`;
}

/** The q-quantile (0–1) of some values, nearest-rank; 0 when there are none. */
export function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : 0;
}

/** Prints one line of figures: `name: key=value …`. */
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
export async function startBenchStack(
  name: string,
  scratch: string,
  env: Record<string, string> = {},
): Promise<RunningStack> {
  for (const key of ['OPENAI_API_KEY', 'DEEPGRAM_API_KEY', 'DEEPSEEK_API_KEY']) delete process.env[key];
  const databaseUri = benchDatabaseUri(name);
  const profiling = cpuProfileOptions(env.NODE_OPTIONS);
  const stack = await startStack({
    infra: readInfraOptions(),
    logs: { mode: 'file', dir: join(scratch, 'logs') },
    portBusy: 'pick-free',
    env: {
      NODE_ENV: 'production',
      STORAGE_DIR: join(scratch, 'storage'),
      OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
      TEMPORAL_TASK_QUEUE: `bench-${name}-${Date.now()}`,
      MONGODB_URI: databaseUri,
      RETENTION_SWEEP_INTERVAL_MINUTES: '0',
      LOG_LEVEL: 'warn',
      ...env,
      ...profiling,
    },
  });
  return {
    ...stack,
    stop: async (options) => {
      await stack.stop({ keepInfra: true });
      await dropDatabase(databaseUri).catch((error: unknown) =>
        process.stderr.write(`bench database ${databaseUri} not dropped: ${String(error)}\n`),
      );
      await stack.stop(options);
    },
  };
}

/**
 * With BENCH_CPU_PROFILE_DIR set, every app of the stack (API, worker, simulator) writes a V8 CPU profile
 * there when it exits (bench/cpu-profile): open it in Chrome DevTools to see where a run's time went.
 */
function cpuProfileOptions(appNodeOptions: string | undefined): { NODE_OPTIONS?: string } {
  const dir = process.env.BENCH_CPU_PROFILE_DIR;
  if (!dir) return {};
  mkdirSync(dir, { recursive: true });
  const preload = `--require ${join(__dirname, 'cpu-profile.js')}`;
  return { NODE_OPTIONS: [appNodeOptions, preload].filter(Boolean).join(' ') };
}

/**
 * A database of the run's own, on the same server: figures must not depend on what earlier runs left
 * behind (FerretDB on SQLite reads every document for any filter but `_id`, so leftovers slow it down).
 */
function benchDatabaseUri(name: string): string {
  const server = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/voxflow';
  return server.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?/, `$1/voxflow_bench_${name}_${Date.now()}`);
}

async function dropDatabase(uri: string): Promise<void> {
  const connection = await createConnection(uri, { serverSelectionTimeoutMS: 5_000 }).asPromise();
  try {
    await connection.dropDatabase();
  } finally {
    await connection.close();
  }
}

/** Runs a benchmark's main; a failure prints its stack and exits 1 (the run's status for scripts and CI). */
export function runBench(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`bench ${name} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}

/** Starts a benchmark's helper server (files, webhooks) on 127.0.0.1 and returns its base URL. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Environment that preloads bench/heap-probe into the stack's apps, answering in `dir`. */
export function heapProbeEnv(dir: string): Record<string, string> {
  return {
    VOXFLOW_HEAP_PROBE_DIR: dir,
    NODE_OPTIONS: `--expose-gc --require ${join(__dirname, 'heap-probe.js')}`,
  };
}

/** Live memory of a process running the heap probe: heap used plus external memory after full GCs, in MB. */
export async function liveMemoryMb(pid: number, dir: string, timeoutMs = 10_000): Promise<number> {
  const file = join(dir, `${pid}.json`);
  const asked = Date.now();
  process.kill(pid, 'SIGUSR2');
  while (Date.now() - asked < timeoutMs) {
    await sleep(50);
    try {
      const probe = JSON.parse(readFileSync(file, 'utf8')) as { heapUsed: number; external: number; at: number };
      if (probe.at >= asked) return Math.round(((probe.heapUsed + probe.external) / 1024 ** 2) * 10) / 10;
    } catch {
      // Not written yet.
    }
  }
  throw new Error(`process ${pid} did not answer the heap probe within ${timeoutMs} ms`);
}
