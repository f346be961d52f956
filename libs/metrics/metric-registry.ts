import { statfsSync } from 'node:fs';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { containerLimits } from './container-limits';

/**
 * A service's Prometheus registry (every series labelled `service`, with the process's default metrics) and
 * metric constructors bound to it, so each metric is declared by its name, help, labels and buckets alone.
 * Both services also report their limits and the storage volume's use, which the resource alerts divide by.
 */
export class MetricRegistry {
  readonly registry = new Registry();
  private storageDir?: string;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    const limits = containerLimits();
    this.gauge('voxflow_memory_limit_bytes', "The container's memory limit (the machine's memory without one)").set(
      limits.memoryBytes,
    );
    this.gauge('voxflow_cpu_limit_cores', "The container's CPU limit in cores (the machine's cores without one)").set(
      limits.cpuCores,
    );
    const storage = (): string | undefined => this.storageDir;
    new Gauge({
      name: 'voxflow_storage_bytes',
      help: 'The storage volume (STORAGE_DIR): bytes used and available',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        // A volume that cannot be read shows no figure rather than a stale one.
        this.reset();
        const dir = storage();
        const stats = dir ? tryStatfs(dir) : undefined;
        if (!stats) return;
        this.set({ state: 'used' }, (stats.blocks - stats.bfree) * stats.bsize);
        this.set({ state: 'available' }, stats.bavail * stats.bsize);
      },
    });
  }

  /** Reports the storage volume holding `dir` from the next scrape on. */
  watchStorage(dir: string): void {
    this.storageDir = dir;
  }

  protected counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }

  protected gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) {
    return new Gauge<L>({ name, help, labelNames, registers: [this.registry] });
  }

  protected histogram<L extends string = never>(
    name: string,
    help: string,
    buckets: number[],
    labelNames: readonly L[] = [],
  ) {
    return new Histogram<L>({ name, help, buckets, labelNames, registers: [this.registry] });
  }
}

function tryStatfs(dir: string) {
  try {
    return statfsSync(dir);
  } catch {
    return undefined;
  }
}
