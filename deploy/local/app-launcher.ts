import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './probes';

export interface LaunchedApp {
  name: string;
  child: ChildProcess;
  logFile?: string;
  stop(graceMs?: number): Promise<void>;
}

/**
 * Memory settings the API and the worker run with, here and in the image (deploy/docker/Dockerfile; a test
 * keeps the two equal). V8's young generation defaults to 16 MB semi-spaces; streamed chunks die young, and
 * a small young generation frees their buffers sooner: 4 MB cut peak RSS in `npm run bench -- memory` by
 * 16 MB (API) and 24 MB (worker), 1 MB by another 3–9 MB each, for about 3 % more worker CPU per job and
 * no throughput (`npm run bench -- throughput`). Two malloc arenas instead of one per thread (the Temporal
 * core's threads, libuv's pool) saved the worker another 20 MB. Figures: docs/benchmarks.md.
 */
export const APP_RUNTIME_ENV = { NODE_OPTIONS: '--max-semi-space-size=1', MALLOC_ARENA_MAX: '2' } as const;

function runtimeEnv(name: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (name === 'simulator') return env;
  return {
    MALLOC_ARENA_MAX: APP_RUNTIME_ENV.MALLOC_ARENA_MAX,
    ...env,
    // Flags of the caller's own (a benchmark's heap probe, --inspect) come after ours, so they win.
    NODE_OPTIONS: [APP_RUNTIME_ENV.NODE_OPTIONS, env.NODE_OPTIONS].filter(Boolean).join(' '),
  };
}

/**
 * Runs one of Voxflow's built apps (dist/apps/<name>/main.js) as a child process, with its logs either
 * prefixed on this terminal or written to a file.
 */
export function launchApp(
  repoRoot: string,
  name: 'api' | 'worker' | 'simulator',
  env: NodeJS.ProcessEnv,
  logs: { mode: 'terminal' } | { mode: 'file'; dir: string; detached?: boolean },
  args: string[] = [],
): LaunchedApp {
  const entry = [join(repoRoot, 'dist', 'apps', name, 'main.js'), ...args];
  env = runtimeEnv(name, env);
  let child: ChildProcess;
  let logFile: string | undefined;
  if (logs.mode === 'file') {
    // The app writes its log file itself, so it can outlive this process (demo --keep).
    mkdirSync(logs.dir, { recursive: true });
    logFile = join(logs.dir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    child = spawn(process.execPath, entry, {
      cwd: repoRoot,
      env,
      stdio: ['ignore', fd, fd],
      detached: logs.detached ?? false,
    });
    closeSync(fd);
    if (logs.detached) child.unref();
  } else {
    child = spawn(process.execPath, entry, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const prefix = `${name.padEnd(9)}│ `;
    for (const stream of [child.stdout!, child.stderr!]) {
      let pending = '';
      stream.on('data', (chunk: Buffer) => {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) process.stdout.write(`${prefix}${line}\n`);
      });
    }
  }
  const exited = new Promise<void>((resolvePromise) => child.once('exit', () => resolvePromise()));
  return {
    name,
    child,
    logFile,
    stop: async (graceMs = 20_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits until `url` answers 2xx, failing early if the app's process exits. */
export async function waitForHttp(app: LaunchedApp, url: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(`${app.name} at ${url}`, async () => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok, {
    timeoutMs,
    intervalMs: 300,
    abortIf: () =>
      app.child.exitCode !== null
        ? `${app.name} exited with code ${app.child.exitCode}${app.logFile ? `; see ${app.logFile}` : ''}`
        : undefined,
  });
}
