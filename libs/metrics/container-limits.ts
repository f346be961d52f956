import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

/**
 * The memory and CPU this process may use: its container's cgroup limits (v2, else v1), or the machine's when
 * there are none. Alerts divide usage by these, so they mean the same with and without a container.
 */
export function containerLimits(): { memoryBytes: number; cpuCores: number } {
  const memory =
    cgroupNumber('/sys/fs/cgroup/memory.max') ?? cgroupNumber('/sys/fs/cgroup/memory/memory.limit_in_bytes');
  const cpu = cpuQuota();
  return {
    memoryBytes: memory && memory < totalmem() ? memory : totalmem(),
    cpuCores: cpu && cpu < availableParallelism() ? cpu : availableParallelism(),
  };
}

function cpuQuota(): number | undefined {
  const v2 = readText('/sys/fs/cgroup/cpu.max')?.split(' ');
  if (v2) return v2[0] === 'max' ? undefined : Number(v2[0]) / Number(v2[1]);
  const quota = cgroupNumber('/sys/fs/cgroup/cpu/cpu.cfs_quota_us');
  const period = cgroupNumber('/sys/fs/cgroup/cpu/cpu.cfs_period_us');
  return quota && quota > 0 && period ? quota / period : undefined;
}

function cgroupNumber(path: string): number | undefined {
  const value = Number(readText(path));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}
