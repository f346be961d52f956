import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { infraDown, infraStatus, infraUp } from '../../deploy/local/infra';
import { readInfraOptions, type InfraOptions } from '../../deploy/local/infra-options';
import { pingMongo } from '../../deploy/local/mongo-server';
import { pingRedis } from '../../deploy/local/redis-server';
import { ferretDb, findOnPath, requireTool, temporalCli } from '../../deploy/local/toolchain';
import { ALL_SEARCH_ATTRIBUTES } from '../../libs/contracts/temporal';
import { freePort } from '../support/test-env';

const run = promisify(execFile);

/** A pid is gone once /proc has no entry, or only a zombie awaiting its reaper. */
function processGone(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  try {
    return !existsSync(stat) || (readFileSync(stat, 'utf8').split(') ')[1] ?? '').startsWith('Z');
  } catch {
    return true;
  }
}

describe('the FerretDB build', () => {
  // The unpatched server holds only `->'$._id'`, which its _id index does not match (a full scan per lookup).
  const runsFerretDb = !process.env.MONGODB_URI && !findOnPath('mongod');

  (runsFerretDb ? it : it.skip)('carries the _id lookup that uses the index (deploy/local/ferretdb-patches.ts)', () => {
    const options = readInfraOptions();
    const binary = readFileSync(requireTool(ferretDb(options.cacheDir, options.repoRoot)));
    expect(binary.includes("_ferretdb_sjson->'_id'")).toBe(true);
  });
});

describe('infra up/status/down on ports of its own', () => {
  let options: InfraOptions;

  beforeAll(async () => {
    const base = readInfraOptions({ ...process.env, TEMPORAL_ADDRESS: '', MONGODB_URI: '', REDIS_URL: '' });
    options = {
      ...base,
      dataDir: mkdtempSync(join(tmpdir(), 'voxflow-infra-')),
      ports: {
        temporal: await freePort(),
        temporalUi: await freePort(),
        mongodb: await freePort(),
        redis: await freePort(),
      },
    };
  });

  afterAll(async () => {
    await infraDown(options);
    rmSync(options.dataDir, { recursive: true, force: true });
  });

  it('starts every part, answers as each protocol, is idempotent, and down leaves none of its processes', async () => {
    const up = await infraUp(options);
    expect(up.map((c) => [c.name, c.state])).toEqual([
      ['temporal', 'started'],
      ['mongodb', 'started'],
      ['redis', 'started'],
    ]);
    const pids = up.map((c) => c.pid!);

    const cli = requireTool(temporalCli(options.cacheDir, options.temporalCli));
    const address = `127.0.0.1:${options.ports.temporal}`;
    await run(cli, ['workflow', 'list', '--address', address]);
    const attributes = await run(cli, ['operator', 'search-attribute', 'list', '--address', address]);
    // Exactly the search attributes the code writes (docker-compose.yml and deploy/k8s are checked against the same list).
    for (const key of ALL_SEARCH_ATTRIBUTES)
      expect(attributes.stdout).toMatch(new RegExp(`\\b${key.name}\\s+Keyword\\b`));
    // The SQLite header's read/write format bytes are 2 in WAL mode (1 with the default rollback journal).
    const header = readFileSync(join(options.dataDir, 'infra', 'temporal', 'temporal.db')).subarray(18, 20);
    expect([...header]).toEqual([2, 2]);
    const ui = await fetch(`http://127.0.0.1:${options.ports.temporalUi}/`);
    expect(ui.status).toBe(200);
    expect(await pingMongo(`mongodb://127.0.0.1:${options.ports.mongodb}`)).toBe(true);
    expect(await pingRedis(`redis://127.0.0.1:${options.ports.redis}`)).toBe(true);

    const again = await infraUp(options);
    expect(again.map((c) => c.state)).toEqual(['running', 'running', 'running']);
    expect(again.map((c) => c.pid)).toEqual(pids);
    expect((await infraStatus(options)).map((c) => c.state)).toEqual(['running', 'running', 'running']);

    await infraDown(options);
    expect(pids.filter((pid) => !processGone(pid))).toEqual([]);
    expect((await infraStatus(options)).map((c) => c.state)).toEqual(['stopped', 'stopped', 'stopped']);
  });
});
