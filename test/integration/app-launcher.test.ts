import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
    const worker = launchApp(
      ROOT,
      'worker',
      { ...process.env, ...env, NODE_OPTIONS: '--no-deprecation' },
      {
        mode: 'file',
        dir: logs,
      },
    );
    try {
      // Polling its task queue: the flags did not stop Node from starting.
      await waitForWorker(loadConfig(env));
      const environ = readFileSync(`/proc/${worker.child.pid}/environ`, 'utf8').split('\0');
      expect(environ).toContain(`MALLOC_ARENA_MAX=${APP_RUNTIME_ENV.MALLOC_ARENA_MAX}`);
      expect(environ).toContain(`NODE_OPTIONS=${APP_RUNTIME_ENV.NODE_OPTIONS} --no-deprecation`);
    } finally {
      await worker.stop();
      rmSync(logs, { recursive: true, force: true });
    }
  });
});
