import mongoose from 'mongoose';
import { alreadyServing, type ComponentStatus } from './component-status';
import { ManagedProcess } from './managed-process';
import { waitFor } from './probes';
import { FERRETDB_VERSION, ferretDb, findOnPath, requireTool } from './toolchain';

export interface MongoWireOptions {
  cacheDir: string;
  repoRoot: string;
  /** Folder for the data files, log and pid file. */
  dir: string;
  port?: number;
  readyTimeoutMs?: number;
}

export function mongoProcess(dir: string): ManagedProcess {
  return new ManagedProcess('mongodb', dir);
}

/** Resolves true when a MongoDB-wire server at `uri` answers `ping`. */
export async function pingMongo(uri: string, timeoutMs = 2_000): Promise<boolean> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    // A server that accepts connections but never answers (seen: a deadlocked FerretDB) is not up.
    socketTimeoutMS: timeoutMs,
  });
  try {
    await connection.asPromise();
    await connection.db!.admin().ping();
    return true;
  } catch {
    return false;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/**
 * A MongoDB-wire server on 127.0.0.1:port: whatever already answers there, else `mongod` from PATH,
 * else FerretDB 1.24 with its SQLite backend (built once with Go).
 */
export async function ensureMongoWire(options: MongoWireOptions): Promise<ComponentStatus> {
  const port = options.port ?? 27017;
  const address = `mongodb://127.0.0.1:${port}`;
  const proc = mongoProcess(options.dir);
  const serving = await alreadyServing('mongodb', { proc, port, address }, 'a MongoDB server', () =>
    pingMongo(address),
  );
  if (serving) return serving;

  const mongod = findOnPath('mongod');
  const [command, args, implementation] = mongod
    ? [mongod, ['--dbpath', options.dir, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet'], 'mongod']
    : [
        requireTool(ferretDb(options.cacheDir, options.repoRoot)),
        ['-listen-addr', `127.0.0.1:${port}`, '-data-dir', `${options.dir}/sqlite`, '-log-level', 'error'],
        `FerretDB ${FERRETDB_VERSION} (SQLite)`,
      ];
  const record = proc.start(command, args);
  await waitFor(`MongoDB-wire server at ${address}`, () => pingMongo(address, 1_000), {
    timeoutMs: options.readyTimeoutMs ?? 60_000,
    abortIf: () => proc.exitReason(),
  });
  return {
    name: 'mongodb',
    state: 'started',
    address,
    pid: record.pid,
    details: [implementation, `data ${options.dir}`, `log ${proc.logFile}`],
  };
}
