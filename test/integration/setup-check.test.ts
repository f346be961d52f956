import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const SETUP = join(__dirname, '..', '..', 'dist', 'deploy', 'local', 'setup.js');

/** `npm run setup` as a user runs it, with `env`: its exit code, output and wall time. */
function runSetup(env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolvePromise) =>
    execFile(process.execPath, [SETUP], { env, timeout: 60_000 }, (error, stdout) =>
      resolvePromise({ code: error ? Number(error.code ?? 1) : 0, stdout, ms: Date.now() - started }),
    ),
  );
}

describe('npm run setup, where something cannot be installed', () => {
  it('stops within 10 s, a line per media tool that does not run, with what to do about it', async () => {
    const { code, stdout, ms } = await runSetup({
      ...process.env,
      FFMPEG_PATH: '/nonexistent/ffmpeg',
      FFPROBE_PATH: '/nonexistent/ffprobe',
    });
    expect(code).toBe(1);
    expect(ms).toBeLessThan(10_000);
    expect(stdout).toMatch(
      /^ {2}ffmpeg +\/nonexistent\/ffmpeg: ffmpeg could not be started \(ENOENT\): unset FFMPEG_PATH/m,
    );
    expect(stdout).toMatch(/^ {2}ffprobe +\/nonexistent\/ffprobe: .*unset FFPROBE_PATH/m);
  });

  it('stops within 10 s, before building anything, when the servers need Go and Go cannot fetch modules', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'voxflow-empty-cache-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      VOXFLOW_CACHE_DIR: cache,
      GOPROXY: 'off',
      // No `temporal` or `mongod` to find: the servers would have to be built.
      PATH: [dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
    };
    for (const name of ['TEMPORAL_ADDRESS', 'TEMPORAL_CLI', 'MONGODB_URI']) delete env[name];
    const { code, stdout, ms } = await runSetup(env);
    expect(code).toBe(1);
    expect(ms).toBeLessThan(10_000);
    expect(stdout).toMatch(
      /^ {2}temporal +Temporal CLI \S+ is built with Go, but .*set TEMPORAL_CLI or TEMPORAL_ADDRESS$/m,
    );
    expect(stdout).toMatch(/^ {2}mongodb +FerretDB \S+ is built with Go, but .*set MONGODB_URI$/m);
    expect(readdirSync(cache)).toEqual([]);
  });
});
