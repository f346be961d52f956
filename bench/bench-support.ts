import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

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
