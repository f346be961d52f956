import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  accessSync,
  constants,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Writable } from 'node:stream';
import { FERRETDB_PATCHES, patchedModuleCopy } from './ferretdb-patches';

export const TEMPORAL_CLI_VERSION = '1.5.1';
export const FERRETDB_VERSION = '1.24.2';
/** The newest kustomize whose module builds on Go 1.26 (5.8.2+ require Go 1.27). */
export const KUSTOMIZE_VERSION = '5.8.1';

/** A required program is missing; the message says what to run, install or set. */
export class MissingToolError extends Error {}

/** First executable called `name` on PATH. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Go toolchain, if installed. */
export function findGo(): string | undefined {
  return findOnPath('go') ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
}

/** A program Voxflow builds into its cache when it is not found. */
export interface BuiltTool {
  label: string;
  /** What a user can set or install instead of building it. */
  instead: string;
  /** What building it takes: Go (and its module proxy), or Debian packages (and Debian's sources). */
  needs: 'go' | { apt: string[] };
  /** The program already here (explicit setting, PATH or the cache), or undefined. */
  find(): string | undefined;
  /** Builds it into the cache (build output to `log`); resolves with its path. */
  build(log: Writable): Promise<string>;
}

/**
 * The Temporal CLI: TEMPORAL_CLI, then `temporal` on PATH, then the cached build; built with
 * `go install …@v1.5.1` (later tags carry a `replace` directive that `go install` refuses).
 */
export function temporalCli(cacheDir: string, explicit?: string): BuiltTool {
  const cached = join(cacheDir, `temporal-${TEMPORAL_CLI_VERSION}`);
  return {
    label: `Temporal CLI ${TEMPORAL_CLI_VERSION}`,
    instead: 'put `temporal` on PATH, or set TEMPORAL_CLI or TEMPORAL_ADDRESS',
    find: () => {
      if (explicit && !isExecutable(explicit))
        throw new MissingToolError(`TEMPORAL_CLI=${explicit} is not an executable file: fix or unset it.`);
      return explicit ?? findOnPath('temporal') ?? (isExecutable(cached) ? cached : undefined);
    },
    needs: 'go',
    build: (log) =>
      goBuild(cached, ['install', `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`], log),
  };
}

/** kustomize, for rendering deploy/k8s in the deployment tests: on PATH, else the cached build. */
export function kustomize(cacheDir: string): BuiltTool {
  const cached = join(cacheDir, `kustomize-${KUSTOMIZE_VERSION}`);
  return {
    label: `kustomize ${KUSTOMIZE_VERSION}`,
    instead: 'put `kustomize` on PATH',
    find: () => findOnPath('kustomize') ?? (isExecutable(cached) ? cached : undefined),
    needs: 'go',
    build: (log) => goBuild(cached, ['install', `sigs.k8s.io/kustomize/kustomize/v5@v${KUSTOMIZE_VERSION}`], log),
  };
}

/**
 * FerretDB 1.24 built from deploy/local/ferretdb (a small entry point over FerretDB's embeddable package;
 * see its main.go for why), with FERRETDB_PATCHES applied. The cache name carries a hash of that source and
 * of the patches, so an edit rebuilds it.
 */
export function ferretDb(cacheDir: string, repoRoot: string): BuiltTool {
  const sourceDir = join(repoRoot, 'deploy', 'local', 'ferretdb');
  const digest = createHash('sha256');
  for (const file of ['main.go', 'go.mod', 'go.sum']) digest.update(readFileSync(join(sourceDir, file)));
  digest.update(JSON.stringify(FERRETDB_PATCHES));
  const cached = join(cacheDir, `ferretdb-${FERRETDB_VERSION}-${digest.digest('hex').slice(0, 10)}`);
  return {
    label: `FerretDB ${FERRETDB_VERSION}`,
    instead: 'put `mongod` on PATH, or set MONGODB_URI',
    find: () => (isExecutable(cached) ? cached : undefined),
    needs: 'go',
    build: async (log) => {
      const go = requireGo();
      mkdirSync(cacheDir, { recursive: true });
      const patchDir = mkdtempSync(join(cacheDir, '.patch-ferretdb-'));
      try {
        const inSource = { cwd: sourceDir, log };
        const modulePath = 'github.com/FerretDB/FerretDB';
        await run(go, ['mod', 'download', modulePath], inSource);
        const moduleDir = (await run(go, ['list', '-m', '-f', '{{.Dir}}', modulePath], inSource)).trim();
        const patched = patchedModuleCopy(moduleDir, patchDir, FERRETDB_PATCHES);
        // A go.mod of our own beside the copy: the committed one stays untouched and builds the same otherwise.
        const modFile = join(patchDir, 'go.mod');
        copyFileSync(join(sourceDir, 'go.mod'), modFile);
        copyFileSync(join(sourceDir, 'go.sum'), join(patchDir, 'go.sum'));
        await run(go, ['mod', 'edit', `-modfile=${modFile}`, `-replace=${modulePath}=${patched}`], inSource);
        const args = ['build', '-trimpath', '-mod=readonly', `-modfile=${modFile}`, '-o', '{out}', '.'];
        return await goBuild(cached, args, log, sourceDir);
      } finally {
        rmSync(patchDir, { recursive: true, force: true });
      }
    },
  };
}

function requireGo(): string {
  const go = findGo();
  if (!go) throw new MissingToolError('Go is not installed (https://go.dev/dl/)');
  return go;
}

const LEAN_FFMPEG_SCRIPT = join('deploy', 'ffmpeg', 'build-lean-ffmpeg.sh');

/**
 * The ffmpeg the Docker image runs, built from Debian's source by deploy/ffmpeg/build-lean-ffmpeg.sh (its
 * folder's name carries a hash of the script, so an edit rebuilds it). The tests check it decodes what the
 * static npm build the local stack runs decodes; `find()` gives the folder holding ffmpeg and ffprobe.
 */
export function leanFfmpeg(cacheDir: string, repoRoot: string): BuiltTool {
  const script = join(repoRoot, LEAN_FFMPEG_SCRIPT);
  const digest = createHash('sha256').update(readFileSync(script)).digest('hex');
  const dir = join(cacheDir, `ffmpeg-lean-${digest.slice(0, 10)}`);
  return {
    label: "the lean ffmpeg (the Docker image's build)",
    instead: `run ${LEAN_FFMPEG_SCRIPT} DIR by hand`,
    needs: { apt: ['dpkg-dev', 'gcc', 'libc6-dev', 'make', 'nasm', 'xz-utils'] },
    find: () => (isExecutable(join(dir, 'ffmpeg')) && isExecutable(join(dir, 'ffprobe')) ? dir : undefined),
    build: async (log) => {
      mkdirSync(cacheDir, { recursive: true });
      const tmp = mkdtempSync(join(cacheDir, '.build-ffmpeg-'));
      try {
        await run('bash', [script, tmp], { cwd: tmp, log });
        renameSync(tmp, dir);
        return dir;
      } catch (error) {
        rmSync(tmp, { recursive: true, force: true });
        throw error;
      }
    },
  };
}

/** The tool found, or an error naming the command that installs it (`npm run setup` builds it). */
export function requireTool(tool: BuiltTool): string {
  const found = tool.find();
  if (!found) throw new MissingToolError(`${tool.label} is not installed: run \`npm run setup\`.`);
  return found;
}

/**
 * Runs `go install` (into a temporary GOBIN) or `go build -o {out}`, then moves the binary into place.
 * Without symbol tables and DWARF (`-s -w`): nobody debugs these binaries, and linking is faster.
 */
async function goBuild(target: string, goArgs: string[], log: Writable, cwd?: string): Promise<string> {
  const go = requireGo();
  const cacheDir = join(target, '..');
  mkdirSync(cacheDir, { recursive: true });
  const tmp = mkdtempSync(join(cacheDir, '.build-'));
  const out = join(tmp, 'tool');
  try {
    const [verb, ...rest] = goArgs.map((arg) => arg.replace('{out}', out));
    await run(go, [verb!, '-ldflags=-s -w', ...rest], { cwd: cwd ?? tmp, log, env: { GOBIN: tmp } });
    // `go install` names the binary after the package; GOBIN holds nothing else.
    renameSync(verb === 'install' ? join(tmp, readdirSync(tmp)[0]!) : out, target);
    return target;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Runs a command to completion with its output in `log`; resolves with its standard output. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; log: Writable; env?: Record<string, string> },
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stdout.pipe(options.log, { end: false });
    child.stderr.pipe(options.log, { end: false });
    child.once('error', reject);
    child.once('close', (code, signal) =>
      code === 0
        ? resolvePromise(stdout)
        : reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}
