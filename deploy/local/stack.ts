import { join } from 'node:path';
import { loadConfig } from '../../libs/config';
import { launchApp, waitForHttp, type LaunchedApp } from './app-launcher';
import type { ComponentStatus } from './component-status';
import { infraDown, infraUp } from './infra';
import type { InfraOptions } from './infra-options';
import { isPortOpen, waitFor } from './probes';
import { providerSetup, SIMULATOR_PORT } from './sandbox';
import { localMediaToolsEnv } from './local-media-tools';
import { waitForWorker } from './worker-ready';

export interface StackOptions {
  infra: InfraOptions;
  logs: { mode: 'terminal' } | { mode: 'file'; dir: string; detached?: boolean };
  /** Settings layered over this process's environment (PORT, OUTBOUND_ALLOW_CIDRS, …). */
  env?: Record<string, string>;
  /** When 3000 (or PORT) is taken: pick a free port (demo) or refuse (npm start). */
  portBusy: 'pick-free' | 'fail';
}

export interface RunningStack {
  apiUrl: string;
  sandbox: boolean;
  infra: ComponentStatus[];
  apps: LaunchedApp[];
  /** The environment the API and worker run with. */
  env: NodeJS.ProcessEnv;
  stop(options?: { keepInfra?: boolean }): Promise<void>;
}

async function choosePort(preferred: number, busy: StackOptions['portBusy'], what: string): Promise<number> {
  if (!(await isPortOpen(preferred))) return preferred;
  if (busy === 'fail')
    throw new Error(`Port ${preferred} (${what}) is already in use: stop what runs there, or set a different port.`);
  const { createServer } = await import('node:net');
  return new Promise((resolvePromise) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePromise(port));
    });
  });
}

/** Waits for the worker's /health/ready; one that refuses work says why at once (its media tools, say). */
async function waitForWorkerHealth(worker: LaunchedApp, port: number): Promise<void> {
  let refusal: string | undefined;
  await waitFor(
    'the worker',
    async () => {
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      refusal = response.ok ? undefined : ((await response.json()) as { reason?: string }).reason;
      return response.ok;
    },
    {
      timeoutMs: 60_000,
      abortIf: () => refusal && `it does not take jobs: ${refusal}${worker.logFile ? ` (log: ${worker.logFile})` : ''}`,
    },
  );
}

/**
 * The whole local stack: infrastructure, the provider simulator when no provider key is set (sandbox),
 * the API and the worker. `stop()` ends what this call started, and nothing else.
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const infra = await infraUp(options.infra);
  const started: LaunchedApp[] = [];
  const startedInfra = infra.filter((c) => c.state === 'started').map((c) => c.name);
  const stop = async ({ keepInfra = false } = {}) => {
    await Promise.all(started.filter((a) => a.name !== 'simulator').map((a) => a.stop()));
    await Promise.all(started.filter((a) => a.name === 'simulator').map((a) => a.stop()));
    if (!keepInfra && startedInfra.length) await infraDown(options.infra, startedInfra);
  };
  try {
    const baseEnv = { ...process.env, ...options.env };
    Object.assign(baseEnv, localMediaToolsEnv(baseEnv));
    const providers = await providerSetup(baseEnv);
    const apiPort = await choosePort(Number(baseEnv.PORT ?? 3000), options.portBusy, 'API');
    const metricsPort = await choosePort(Number(baseEnv.WORKER_METRICS_PORT ?? 9464), 'pick-free', 'worker metrics');
    // Like compose and k8s, the apps use the Redis the infrastructure runs (rate limits, socket.io fan-out).
    const redis = infra.find((component) => component.name === 'redis');
    const env: NodeJS.ProcessEnv = {
      ...baseEnv,
      REDIS_URL: baseEnv.REDIS_URL || redis?.address,
      ...providers.env,
      PORT: String(apiPort),
      WORKER_METRICS_PORT: String(metricsPort),
      STORAGE_DIR: baseEnv.STORAGE_DIR ?? join(options.infra.dataDir, 'storage'),
    };
    const config = loadConfig(env); // A bad setting stops here, with the variable named, before anything starts.

    if (providers.startSimulator) {
      const simulator = launchApp(options.infra.repoRoot, 'simulator', env, options.logs, [
        '--port',
        String(SIMULATOR_PORT),
      ]);
      started.push(simulator);
      await waitForHttp(simulator, `${providers.simulatorUrl}/__sim/health`);
    }
    const worker = launchApp(options.infra.repoRoot, 'worker', env, options.logs);
    started.push(worker);
    const api = launchApp(options.infra.repoRoot, 'api', env, options.logs);
    started.push(api);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const workerExited = new Promise<never>((_, reject) =>
      worker.child.once('exit', (code) =>
        reject(new Error(`the worker exited with code ${code}${worker.logFile ? `; see ${worker.logFile}` : ''}`)),
      ),
    );
    workerExited.catch(() => undefined); // Observed through the race below; later exits are stop()'s business.
    await Promise.race([
      Promise.all([
        waitForHttp(api, `${apiUrl}/health/ready`),
        waitForWorkerHealth(worker, metricsPort).then(() => waitForWorker(config)),
      ]),
      workerExited,
    ]);
    return { apiUrl, sandbox: providers.sandbox, infra, apps: started, env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
