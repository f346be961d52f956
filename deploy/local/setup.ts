import { createWriteStream, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { readInfraOptions, type InfraOptions } from './infra-options';
import { installBlockers, surveyPieces, type Piece } from './setup-survey';
import { run } from './toolchain';

/**
 * `npm run setup [-- --tests]`, run first by `npm run demo`, `npm start` and `npm test`: finds what npm does not
 * bring (media tools, the servers, and for the tests espeak-ng, Chromium, docker-compose, promtool and kustomize),
 * installs what is missing (Debian packages as root; Go builds into the cache), then bundles the workflows.
 * When something cannot be installed here it says so within seconds, a line per piece, before building
 * anything. Build and install output goes to a log file, named when a step fails.
 */

const say = (text: string) => process.stdout.write(`${text}\n`);
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { tests: { type: 'boolean', default: false } } });
  const options = readInfraOptions();
  const logPath = join(options.dataDir, 'logs', 'setup.log');
  mkdirSync(join(logPath, '..'), { recursive: true });
  const log = createWriteStream(logPath, { flags: 'a' });
  try {
    return await setUp(options, values.tests, log, relative(process.cwd(), logPath) || logPath);
  } finally {
    await new Promise((done) => log.end(done));
  }
}

async function setUp(options: InfraOptions, tests: boolean, log: Writable, shownLog: string): Promise<number> {
  const started = Date.now();
  log.write(`\n=== setup ${new Date().toISOString()}${tests ? ' (tests)' : ''}\n`);
  const pieces = await surveyPieces(options, tests);
  const missing = pieces.filter((piece) => !piece.found);
  for (const piece of pieces) log.write(`${piece.name}: ${piece.found ?? 'missing'}\n`);
  if (missing.length > 0) {
    const blockers = await installBlockers(missing);
    if (blockers.length > 0) {
      say(`setup: cannot install what is missing here (checked in ${seconds(started)}):`);
      for (const blocker of blockers) say(`  ${blocker}`);
      return 1;
    }
    say(`setup: installing ${missing.map((piece) => piece.name).join(', ')} (first run only; output in ${shownLog})`);
    // Go builds need nothing from apt: they run beside it; other builds wait for their packages.
    const goBuilds = missing.filter((piece) => piece.build?.needs === 'go').map((piece) => build(piece));
    const afterApt = installFromApt(missing).then(() =>
      Promise.all(missing.filter((piece) => piece.build && piece.build.needs !== 'go').map((piece) => build(piece))),
    );
    await Promise.all([...goBuilds, afterApt]);
  }
  await step('workflow bundles', () =>
    run(process.execPath, [join(__dirname, '..', '..', 'apps', 'worker', 'build-workflow-bundle.js')], { log }),
  );
  say(`setup: ready in ${seconds(started)}${missing.length ? '' : ' (everything was here)'}`);
  return 0;

  async function step(what: string, work: () => Promise<unknown>): Promise<void> {
    const stepStarted = Date.now();
    try {
      await work();
    } catch (error) {
      log.write(`${String(error)}\n`);
      throw new Error(`${what} failed: see ${shownLog}`, { cause: error });
    }
    if (Date.now() - stepStarted > 5_000) say(`setup: ${what} done in ${seconds(stepStarted)}`);
  }

  async function installFromApt(pieces: Piece[]): Promise<void> {
    const packages = [...new Set(pieces.flatMap((piece) => piece.apt ?? []))];
    if (packages.length === 0) return;
    say(`setup: apt-get install ${packages.join(' ')} …`);
    await step(`apt-get install ${packages.join(' ')}`, async () => {
      const env = { DEBIAN_FRONTEND: 'noninteractive' };
      await run('apt-get', ['update', '-qq'], { log, env });
      await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { log, env });
    });
  }

  async function build(piece: Piece): Promise<void> {
    say(`setup: building ${piece.build!.label} (a few minutes) …`);
    await step(`building ${piece.build!.label}`, () => piece.build!.build(log));
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`setup: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
