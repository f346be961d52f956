import { join } from 'node:path';
import type { ComponentStatus } from './component-status';
import { readInfraOptions, type InfraOptions } from './infra-options';
import { ensureMongoWire, mongoProcess, pingMongo } from './mongo-server';
import { isPortOpen } from './probes';
import { ensureRedis, pingRedis, redisProcess } from './redis-server';
import { ensureSearchAttributes, ensureTemporalDevServer, temporalProcess } from './temporal-server';

/**
 * The local infrastructure behind `npm run infra:up|down|status`, `npm test`, `npm start` and the demo:
 * Temporal dev server (7233, UI 8233), a MongoDB-wire server (27017) and Redis (6379).
 */

const componentDir = (options: InfraOptions, name: string) => join(options.dataDir, 'infra', name);

/** Starts what is missing; idempotent. Parts configured through env vars are checked, never started. */
export async function infraUp(options: InfraOptions = readInfraOptions()): Promise<ComponentStatus[]> {
  const { external } = options;
  const results = await Promise.allSettled([
    external.temporalAddress
      ? checkExternalTemporal(external.temporalAddress)
      : ensureTemporalDevServer({
          cacheDir: options.cacheDir,
          dir: componentDir(options, 'temporal'),
          temporalCli: options.temporalCli,
          port: options.ports.temporal,
          uiPort: options.ports.temporalUi,
        }),
    external.mongodbUri
      ? checkExternal('mongodb', external.mongodbUri, pingMongo)
      : ensureMongoWire({
          cacheDir: options.cacheDir,
          repoRoot: options.repoRoot,
          dir: componentDir(options, 'mongodb'),
          port: options.ports.mongodb,
        }),
    external.redisUrl
      ? checkExternal('redis', external.redisUrl, pingRedis)
      : ensureRedis({ dir: componentDir(options, 'redis'), port: options.ports.redis }),
  ]);
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [errorMessage(result.reason)] : []));
  if (failures.length > 0) throw new Error(failures.join('\n'));
  return results.map((result) => (result as PromiseFulfilledResult<ComponentStatus>).value);
}

/**
 * Stops only the processes Voxflow started (by pid file); external servers are left alone.
 * `names` limits it to some parts (a test run stops just what it started itself).
 */
export async function infraDown(
  options: InfraOptions = readInfraOptions(),
  names: ComponentStatus['name'][] = ['temporal', 'mongodb', 'redis'],
): Promise<ComponentStatus[]> {
  const processes = {
    temporal: temporalProcess(componentDir(options, 'temporal')),
    mongodb: mongoProcess(componentDir(options, 'mongodb')),
    redis: redisProcess(componentDir(options, 'redis')),
  };
  return Promise.all(
    names.map(async (name) => {
      const proc = processes[name];
      const record = proc.running();
      const stopped = await proc.stop();
      return {
        name,
        state: 'stopped' as const,
        address: '',
        pid: record?.pid,
        details: [stopped ? 'stopped' : 'was not started by Voxflow'],
      };
    }),
  );
}

export async function infraStatus(options: InfraOptions = readInfraOptions()): Promise<ComponentStatus[]> {
  const probe = async (
    name: ComponentStatus['name'],
    port: number,
    externalAddress: string | undefined,
  ): Promise<ComponentStatus> => {
    const proc =
      name === 'temporal'
        ? temporalProcess(componentDir(options, name))
        : name === 'mongodb'
          ? mongoProcess(componentDir(options, name))
          : redisProcess(componentDir(options, name));
    const record = proc.running();
    const address = externalAddress ?? `127.0.0.1:${port}`;
    if (record) return { name, state: 'running', address, pid: record.pid, details: [`log ${proc.logFile}`] };
    if (externalAddress || (await isPortOpen(port))) {
      return { name, state: 'external', address, details: ['not started by Voxflow'] };
    }
    return { name, state: 'stopped', address, details: [] };
  };
  return Promise.all([
    probe('temporal', options.ports.temporal, options.external.temporalAddress),
    probe('mongodb', options.ports.mongodb, options.external.mongodbUri),
    probe('redis', options.ports.redis, options.external.redisUrl),
  ]);
}

async function checkExternalTemporal(address: string): Promise<ComponentStatus> {
  const registered = await ensureSearchAttributes(address);
  const details = ['from TEMPORAL_ADDRESS; not started by Voxflow'];
  if (registered.length > 0) details.push(`registered search attributes ${registered.join(', ')}`);
  return { name: 'temporal', state: 'external', address, details };
}

async function checkExternal(
  name: ComponentStatus['name'],
  uri: string,
  ping: (uri: string) => Promise<boolean>,
): Promise<ComponentStatus> {
  const variable = name === 'mongodb' ? 'MONGODB_URI' : 'REDIS_URL';
  if (!(await ping(uri))) throw new Error(`${variable} is set but nothing answers there (${redactUri(uri)}).`);
  return { name, state: 'external', address: redactUri(uri), details: [`from ${variable}; not started by Voxflow`] };
}

function redactUri(uri: string): string {
  return uri.replace(/\/\/[^/@]*@/, '//***@');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
