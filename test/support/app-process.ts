import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './test-env';

const ROOT = join(__dirname, '..', '..');

export interface AppProcess {
  child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** Resolves when a line matching `pattern` has been printed. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGKILL: no shutdown hooks, no draining — a crash. */
  crash(): Promise<void>;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<number | null>;
}

/** Runs a built app (`dist/apps/<name>/main.js`) as its own process, as production does. */
export function startAppProcess(name: 'api' | 'worker' | 'simulator', env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', name, 'main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners: (() => void)[] = [];
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolvePromise) => child.once('exit', (code) => resolvePromise(code)));

  return {
    child,
    output: () => output,
    waitForOutput: (pattern, timeoutMs = 60_000) =>
      new Promise((resolvePromise, reject) => {
        const check = () => {
          if (pattern.test(output)) {
            clearTimeout(timer);
            resolvePromise();
          }
        };
        const timer = setTimeout(
          () => reject(new Error(`${name} did not print ${pattern} in time:\n${output.slice(-2000)}`)),
          timeoutMs,
        );
        listeners.push(check);
        child.once('exit', (code) =>
          reject(new Error(`${name} exited (${code}) before printing ${pattern}:\n${output.slice(-2000)}`)),
        );
        check();
      }),
    crash: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** An API process on a free port, listening; `started` collects it for the suite's cleanup. Answers its URL. */
export async function startApiProcess(env: Record<string, string>, started: AppProcess[]): Promise<string> {
  const port = await freePort();
  const api = startAppProcess('api', { ...env, PORT: String(port) });
  started.push(api);
  await api.waitForOutput(/Voxflow API listening/);
  return `http://127.0.0.1:${port}`;
}
