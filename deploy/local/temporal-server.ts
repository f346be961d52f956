import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { SearchAttributeType } from '@temporalio/common';
import { ALL_SEARCH_ATTRIBUTES } from '../../libs/contracts/temporal';
import { alreadyServing, type ComponentStatus } from './component-status';
import { ManagedProcess } from './managed-process';
import { waitFor } from './probes';
import { requireTool, temporalCli } from './toolchain';

export interface TemporalServerOptions {
  cacheDir: string;
  /** Folder for the SQLite file, log and pid file. */
  dir: string;
  port?: number;
  uiPort?: number;
  temporalCli?: string;
  namespace?: string;
  readyTimeoutMs?: number;
}

/** `--search-attribute` spells types differently from the SDK. */
const DEV_SERVER_TYPE: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export function temporalProcess(dir: string): ManagedProcess {
  return new ManagedProcess('temporal', dir);
}

/** Starts the Temporal CLI dev server (SQLite file, Web UI) unless one is already answering on the port. */
export async function ensureTemporalDevServer(options: TemporalServerOptions): Promise<ComponentStatus> {
  const port = options.port ?? 7233;
  const uiPort = options.uiPort ?? port + 1000;
  const address = `127.0.0.1:${port}`;
  const proc = temporalProcess(options.dir);
  const dbFile = join(options.dir, 'temporal.db');
  const details = [`Web UI http://127.0.0.1:${uiPort}`, `data ${dbFile}`, `log ${proc.logFile}`];

  const serving = await alreadyServing('temporal', { proc, port, address, details }, 'a Temporal server', async () => {
    await waitUntilServing(address, options.namespace, 30_000, () => undefined);
    await ensureSearchAttributes(address, options.namespace);
    return true;
  });
  if (serving) return serving;

  const cli = requireTool(temporalCli(options.cacheDir, options.temporalCli));
  const record = proc.start(cli, [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--db-filename',
    dbFile,
    '--log-level',
    'warn',
    // WAL without a sync per commit: durable across a crash of the server (not of the machine), and it took
    // the server's CPU per short job from 134 to 83 ms (`npm run bench -- throughput`).
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    // Task-queue priority (a job's `priority`) and fairness (its tenant) need the new matcher on Temporal 1.29.
    // Priority holds within a partition; one partition per queue makes it exact on this single-node server.
    '--dynamic-config-value',
    'matching.useNewMatcher=true',
    '--dynamic-config-value',
    'matching.enableFairness=true',
    '--dynamic-config-value',
    'matching.numTaskqueueReadPartitions=1',
    '--dynamic-config-value',
    'matching.numTaskqueueWritePartitions=1',
    ...ALL_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${DEV_SERVER_TYPE[key.type]}`]),
  ]);
  await waitUntilServing(address, options.namespace, options.readyTimeoutMs ?? 120_000, () => proc.exitReason());
  await ensureSearchAttributes(address, options.namespace);
  return { name: 'temporal', state: 'started', address, pid: record.pid, details: [...details, `cli ${cli}`] };
}

async function waitUntilServing(
  address: string,
  namespace = 'default',
  timeoutMs: number,
  abortIf: () => string | undefined,
): Promise<void> {
  await waitFor(
    `Temporal at ${address}`,
    async () => {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return true;
      } finally {
        await connection.close();
      }
    },
    { timeoutMs, intervalMs: 500, abortIf },
  );
}

/** Registers Voxflow's search attributes on any Temporal server (idempotent). */
export async function ensureSearchAttributes(address: string, namespace = 'default'): Promise<string[]> {
  const connection = await Connection.connect({ address, connectTimeout: 5_000 });
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = ALL_SEARCH_ATTRIBUTES.filter((key) => !(key.name in customAttributes));
    if (missing.length > 0) {
      const IndexedValueType = temporal.api.enums.v1.IndexedValueType;
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(
          missing.map((key) => [key.name, IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`]]),
        ),
      });
    }
    return missing.map((key) => key.name);
  } finally {
    await connection.close();
  }
}
