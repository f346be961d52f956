import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { MediaTools } from '../../libs/media/media-tools';
import { FERRETDB_PATCHES, patchedModuleCopy } from './ferretdb-patches';

export const TEMPORAL_CLI_VERSION = '1.5.1';
export const FERRETDB_VERSION = '1.24.2';
/** The newest kustomize whose module builds on Go 1.26 (5.8.2+ require Go 1.27). */
export const KUSTOMIZE_VERSION = '5.8.1';

/** A required program is missing and cannot be built here; the message says what to install or set. */
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

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Temporal CLI: TEMPORAL_CLI, then `temporal` on PATH, then the cached build, else built once with
 * `go install …@v1.5.1` (later tags carry a `replace` directive that `go install` refuses).
 */
export async function resolveTemporalCli(cacheDir: string, explicit?: string): Promise<string> {
  if (explicit) {
    if (!isExecutable(explicit)) throw new MissingToolError(`TEMPORAL_CLI=${explicit} is not an executable file.`);
    return explicit;
  }
  const onPath = findOnPath('temporal');
  if (onPath) return onPath;
  const cached = join(cacheDir, `temporal-${TEMPORAL_CLI_VERSION}`);
  if (isExecutable(cached)) return cached;
  const label = `Temporal CLI v${TEMPORAL_CLI_VERSION}`;
  await goBuild(
    findGo('the Temporal CLI was not found: set TEMPORAL_CLI or put `temporal` on PATH', label),
    cached,
    ['install', `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`],
    'temporal',
    label,
  );
  return cached;
}

/** kustomize, for rendering deploy/k8s: on PATH, else the cached build, else built once with `go install`. */
export async function resolveKustomize(cacheDir: string): Promise<string> {
  const onPath = findOnPath('kustomize');
  if (onPath) return onPath;
  const cached = join(cacheDir, `kustomize-${KUSTOMIZE_VERSION}`);
  if (isExecutable(cached)) return cached;
  const label = `kustomize v${KUSTOMIZE_VERSION}`;
  await goBuild(
    findGo('kustomize was not found: put `kustomize` on PATH', label),
    cached,
    ['install', `sigs.k8s.io/kustomize/kustomize/v5@v${KUSTOMIZE_VERSION}`],
    'kustomize',
    label,
  );
  return cached;
}

/**
 * FerretDB 1.24 built from deploy/local/ferretdb (a small entry point over FerretDB's embeddable package;
 * see its main.go for why), with FERRETDB_PATCHES applied. The cache name carries a hash of that source and
 * of the patches, so an edit rebuilds it.
 */
export async function resolveFerretDb(cacheDir: string, repoRoot: string): Promise<string> {
  const sourceDir = join(repoRoot, 'deploy', 'local', 'ferretdb');
  const digest = createHash('sha256');
  for (const file of ['main.go', 'go.mod', 'go.sum']) digest.update(readFileSync(join(sourceDir, file)));
  digest.update(JSON.stringify(FERRETDB_PATCHES));
  const cached = join(cacheDir, `ferretdb-${FERRETDB_VERSION}-${digest.digest('hex').slice(0, 10)}`);
  if (isExecutable(cached)) return cached;
  const label = `FerretDB v${FERRETDB_VERSION}`;
  const alternative = 'no MongoDB-wire server was found: set MONGODB_URI or put `mongod` on PATH';
  const go = findGo(alternative, label);
  mkdirSync(cacheDir, { recursive: true });
  const patchDir = mkdtempSync(join(cacheDir, '.patch-ferretdb-'));
  try {
    const inSource = { cwd: sourceDir, env: process.env };
    const modulePath = 'github.com/FerretDB/FerretDB';
    await run(go, ['mod', 'download', modulePath], inSource);
    const moduleDir = (await run(go, ['list', '-m', '-f', '{{.Dir}}', modulePath], inSource)).trim();
    const patched = patchedModuleCopy(moduleDir, patchDir, FERRETDB_PATCHES);
    // A go.mod of our own beside the copy: the committed one stays untouched and builds the same otherwise.
    const modFile = join(patchDir, 'go.mod');
    copyFileSync(join(sourceDir, 'go.mod'), modFile);
    copyFileSync(join(sourceDir, 'go.sum'), join(patchDir, 'go.sum'));
    await run(go, ['mod', 'edit', `-modfile=${modFile}`, `-replace=${modulePath}=${patched}`], inSource);
    await goBuild(
      go,
      cached,
      ['build', '-trimpath', '-mod=readonly', `-modfile=${modFile}`, '-o', '{out}', '.'],
      'ferretdb',
      label,
      sourceDir,
    );
  } finally {
    rmSync(patchDir, { recursive: true, force: true });
  }
  return cached;
}

const LEAN_FFMPEG_SCRIPT = join('deploy', 'ffmpeg', 'build-lean-ffmpeg.sh');

/** The lean ffmpeg build's folder: its name carries a hash of the build script, so an edit rebuilds it. */
function leanFfmpegDir(cacheDir: string, repoRoot: string): string {
  const digest = createHash('sha256')
    .update(readFileSync(join(repoRoot, LEAN_FFMPEG_SCRIPT)))
    .digest('hex');
  return join(cacheDir, `ffmpeg-lean-${digest.slice(0, 10)}`);
}

/** The ffmpeg and ffprobe a build left in `dir`, if both are there. */
function mediaToolsIn(dir: string): MediaTools | undefined {
  const tools = { ffmpeg: join(dir, 'ffmpeg'), ffprobe: join(dir, 'ffprobe') };
  return isExecutable(tools.ffmpeg) && isExecutable(tools.ffprobe) ? tools : undefined;
}

/** The lean ffmpeg and ffprobe once built, else undefined (the worker then runs those on PATH). */
export function installedLeanFfmpeg(cacheDir: string, repoRoot: string): MediaTools | undefined {
  return mediaToolsIn(leanFfmpegDir(cacheDir, repoRoot));
}

/** FFMPEG_PATH and FFPROBE_PATH for the apps when the lean build is there; nothing otherwise. */
export function leanFfmpegEnv(cacheDir: string, repoRoot: string): Record<string, string> {
  const tools = installedLeanFfmpeg(cacheDir, repoRoot);
  return tools ? { FFMPEG_PATH: tools.ffmpeg, FFPROBE_PATH: tools.ffprobe } : {};
}

/**
 * Builds deploy/ffmpeg/build-lean-ffmpeg.sh once (about 2 minutes on 2 cores). It is an optimization, not a
 * requirement: where it cannot be built (no apt or compiler), the reason is returned and ffmpeg on PATH serves.
 */
export async function buildLeanFfmpeg(cacheDir: string, repoRoot: string): Promise<MediaTools | string> {
  const dir = leanFfmpegDir(cacheDir, repoRoot);
  const installed = mediaToolsIn(dir);
  if (installed) return installed;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = mkdtempSync(join(cacheDir, '.build-ffmpeg-'));
  process.stderr.write(`Building a lean ffmpeg into ${dir} (first run only; about 2 minutes)…\n`);
  const started = Date.now();
  try {
    await run('bash', [join(repoRoot, LEAN_FFMPEG_SCRIPT), tmp], { cwd: tmp, env: process.env });
    renameSync(tmp, dir);
    process.stderr.write(`Built the lean ffmpeg in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    return mediaToolsIn(dir) ?? 'the build left no ffmpeg and ffprobe';
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    return error instanceof Error ? error.message : String(error);
  }
}

/** The Go toolchain, or an error that says what to install or set instead of building `label`. */
function findGo(alternative: string, label: string): string {
  const go = findOnPath('go') ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) {
    throw new MissingToolError(
      `${alternative}, or install Go 1.24+ (https://go.dev/dl/) so Voxflow can build ${label}.`,
    );
  }
  return go;
}

/** Runs `go install` (into a temporary GOBIN) or `go build -o {out}`, then moves the binary into the cache. */
async function goBuild(
  go: string,
  target: string,
  goArgs: string[],
  binaryName: string,
  label: string,
  cwd?: string,
): Promise<void> {
  const cacheDir = join(target, '..');
  mkdirSync(cacheDir, { recursive: true });
  const tmp = mkdtempSync(join(cacheDir, `.build-${binaryName}-`));
  const out = join(tmp, binaryName);
  process.stderr.write(`Building ${label} with Go into ${cacheDir} (first run only; a few minutes)…\n`);
  const started = Date.now();
  try {
    await run(
      go,
      goArgs.map((arg) => arg.replace('{out}', out)),
      { cwd: cwd ?? tmp, env: { ...process.env, GOBIN: tmp } },
    );
    renameSync(out, target);
    process.stderr.write(`Built ${label} in ${((Date.now() - started) / 1000).toFixed(0)} s: ${target}\n`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Runs a command to completion; resolves with its standard output (its errors go to ours). */
function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolvePromise(stdout)
        : reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}
