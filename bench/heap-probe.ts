/**
 * Preloaded (`--require`) into the stack's processes by a benchmark that asks what memory is live, as
 * opposed to the resident high-water mark, which also counts garbage not yet collected and the heap's
 * headroom. On SIGUSR2 the process runs full GCs (`--expose-gc`) and writes its figures to
 * `$VOXFLOW_HEAP_PROBE_DIR/<pid>.json`. Benchmarks only: never part of how Voxflow runs.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.VOXFLOW_HEAP_PROBE_DIR;
if (dir) {
  const gc = () => (globalThis as { gc?: () => void }).gc?.();
  process.on('SIGUSR2', () => {
    gc();
    // V8 frees dead buffers' memory on a background thread after a GC: read once that has happened.
    setTimeout(() => {
      gc();
      const { heapUsed, external } = process.memoryUsage();
      writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify({ heapUsed, external, at: Date.now() }));
    }, 200);
  });
}
