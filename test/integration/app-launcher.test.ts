import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_RUNTIME_ENV, launchApp } from '../../deploy/local/app-launcher';
import { waitForWorker } from '../../deploy/local/worker-ready';
import { loadConfig } from '../../libs/config';
import { testEnv } from '../support/test-env';

const ROOT = join(__dirname, '..', '..');

describe('apps the local stack launches', () => {
  it("run with the image's memory settings, a caller's own NODE_OPTIONS after them, and start", async () => {
    const env = testEnv();
    const logs = mkdtempSync(join(tmpdir(), 'voxflow-launch-'));
    // The caller's flags: the benchmarks' heap probe, which answers SIGUSR2 (built by `npm test`).
    const probe = `--expose-gc --require ${join(ROOT, 'dist', 'bench', 'heap-probe.js')}`;
    const worker = launchApp(
      ROOT,
      'worker',
      { ...process.env, ...env, NODE_OPTIONS: probe, VOXFLOW_HEAP_PROBE_DIR: logs },
      { mode: 'file', dir: logs },
    );
    try {
      // Polling its task queue: the flags did not stop Node from starting.
      await waitForWorker(loadConfig(env));
      const environ = readFileSync(`/proc/${worker.child.pid}/environ`, 'utf8').split('\0');
      expect(environ).toContain(`MALLOC_ARENA_MAX=${APP_RUNTIME_ENV.MALLOC_ARENA_MAX}`);
      expect(environ).toContain(`NODE_OPTIONS=${APP_RUNTIME_ENV.NODE_OPTIONS} ${probe}`);

      // SIGUSR2 is the tooling's (here the probe's): the worker answers it and keeps running.
      const pid = worker.child.pid!;
      process.kill(pid, 'SIGUSR2');
      const deadline = Date.now() + 5_000;
      while (!existsSync(join(logs, `${pid}.json`)) && Date.now() < deadline) await sleep(100);
      expect(existsSync(join(logs, `${pid}.json`))).toBe(true);
      await sleep(3_000);
      expect(worker.child.exitCode).toBeNull();
    } finally {
      await worker.stop();
      rmSync(logs, { recursive: true, force: true });
    }
  });
});
