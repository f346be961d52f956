import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkMediaTools } from '../../libs/media/check-media-tools';
import type { InfraOptions } from './infra-options';
import { localMediaTools } from './local-media-tools';
import { isPortOpen } from './probes';
import {
  ferretDb,
  findGo,
  findOnPath,
  kustomize,
  leanFfmpeg,
  MissingToolError,
  temporalCli,
  type BuiltTool,
} from './toolchain';

/**
 * What `npm run setup` looks for, and how each missing piece gets here: from Debian's packages (as root on
 * Debian), built with Go into the cache, or by hand (the exact command is printed).
 */
export interface Piece {
  name: string;
  /** Where it was found; unset when it is missing. */
  found?: string;
  /** How a missing piece gets here: Debian packages, a build (after those packages), or by hand. */
  apt?: string[];
  build?: BuiltTool;
  manual?: string;
}

const found = (name: string, where: string): Piece => ({ name, found: where });
const fromApt = (name: string, apt: string): Piece => ({ name, apt: [apt] });
const byHand = (name: string, manual: string): Piece => ({ name, manual });

/** Looks for everything the apps need (and, with `tests`, what the test suites need), building nothing. */
export async function surveyPieces(options: InfraOptions, tests: boolean): Promise<Piece[]> {
  const built = (tool: BuiltTool, name: string): Piece => {
    try {
      const path = tool.find();
      if (path) return found(name, path);
      return { name, build: tool, apt: tool.needs === 'go' ? undefined : tool.needs.apt };
    } catch (error) {
      if (error instanceof MissingToolError) return byHand(name, error.message);
      throw error;
    }
  };
  const mongod = findOnPath('mongod');
  const pieces: Promise<Piece | Piece[]>[] = [
    mediaTools(),
    Promise.resolve(
      options.external.temporalAddress
        ? found('temporal', `TEMPORAL_ADDRESS=${options.external.temporalAddress}`)
        : built(temporalCli(options.cacheDir, options.temporalCli), 'temporal'),
    ),
    Promise.resolve(
      options.external.mongodbUri
        ? found('mongodb', 'MONGODB_URI')
        : mongod
          ? found('mongodb', mongod)
          : built(ferretDb(options.cacheDir, options.repoRoot), 'mongodb'),
    ),
    redis(options),
  ];
  if (tests) {
    pieces.push(
      Promise.resolve(onPathOrApt('espeak-ng', 'espeak-ng')),
      // The alert rules' unit tests (`promtool test rules`); Debian ships promtool in its prometheus package.
      Promise.resolve(onPathOrApt('promtool', 'prometheus')),
      Promise.resolve(chromium()),
      dockerCompose(),
      Promise.resolve(built(kustomize(options.cacheDir), 'kustomize')),
      // Not what the local stack runs: the tests check the image's build decodes what the static build does.
      Promise.resolve(built(leanFfmpeg(options.cacheDir, options.repoRoot), 'lean-ffmpeg')),
    );
  }
  return (await Promise.all(pieces)).flat();
}

async function mediaTools(): Promise<Piece[]> {
  const check = await checkMediaTools(localMediaTools(), 5_000);
  return (['ffmpeg', 'ffprobe'] as const).map((name) => {
    if (check.ok) return found(name, check.versions[name]);
    const problem = check.problems[name];
    if (!problem) return found(name, 'runs');
    const variable = name === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH';
    if (process.env[variable]) {
      return byHand(name, `${problem}: unset ${variable} (npm ci installs a static ${name}) or point it at ${name}`);
    }
    // No static build from npm (another platform, or `npm ci --omit=optional`) and none on PATH: Debian's.
    return fromApt(name, 'ffmpeg');
  });
}

async function redis(options: InfraOptions): Promise<Piece> {
  if (options.external.redisUrl) return found('redis', 'REDIS_URL');
  const server = findOnPath('redis-server');
  if (server) return found('redis', server);
  if (await isPortOpen(options.ports.redis)) return found('redis', `answering on 127.0.0.1:${options.ports.redis}`);
  return fromApt('redis', 'redis-server');
}

function onPathOrApt(name: string, aptPackage: string): Piece {
  const path = findOnPath(name);
  return path ? found(name, path) : fromApt(name, aptPackage);
}

/** The live page's browser test drives Debian's Chromium (CHROMIUM_PATH overrides it). */
function chromium(): Piece {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return found('chromium', path);
  return process.env.CHROMIUM_PATH
    ? byHand('chromium', `CHROMIUM_PATH=${path} does not exist: fix or unset it`)
    : fromApt('chromium', 'chromium');
}

/** The deployment tests render docker-compose.yml with `docker-compose config` or `docker compose config`. */
async function dockerCompose(): Promise<Piece> {
  const standalone = findOnPath('docker-compose');
  if (standalone) return found('compose', standalone);
  const docker = findOnPath('docker');
  if (docker) {
    const works = await promisify(execFile)(docker, ['compose', 'version'], { timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    if (works) return found('compose', `${docker} compose`);
  }
  return fromApt('compose', 'docker-compose');
}

/**
 * Why the missing pieces cannot be installed here, one line each with the command that would install them,
 * or nothing when they can. Answers within seconds: it asks the package sources whether they answer and
 * installs nothing.
 */
export async function installBlockers(missing: Piece[]): Promise<string[]> {
  const apt = missing.filter((piece) => piece.apt);
  const go = missing.filter((piece) => piece.build?.needs === 'go');
  const [aptProblem, goProblem] = await Promise.all([
    apt.length ? aptUnavailable() : undefined,
    go.length ? goUnavailable() : undefined,
  ]);
  const instead = (piece: Piece) => (piece.build ? `; or ${piece.build.instead}` : '');
  return [
    ...missing.filter((piece) => piece.manual).map((piece) => line(piece.name, piece.manual!)),
    ...(aptProblem
      ? apt.map((piece) =>
          line(piece.name, `${aptProblem}: sudo apt-get install ${piece.apt!.join(' ')}${instead(piece)}`),
        )
      : []),
    ...(goProblem
      ? go.map((piece) => line(piece.name, `${piece.build!.label} is built with Go, but ${goProblem}${instead(piece)}`))
      : []),
  ];
}

const line = (name: string, text: string) => `${name.padEnd(10)} ${text}`;

/** Why Debian's packages cannot be installed by this process, or undefined when they can. */
async function aptUnavailable(): Promise<string | undefined> {
  if (!existsSync('/etc/debian_version') || !findOnPath('apt-get')) return 'this is not Debian (no apt-get)';
  if (process.getuid?.() !== 0) return 'setup installs Debian packages only when run as root';
  const source = aptSourceUrl();
  if (!source) return 'apt has no http(s) package source configured';
  if (!(await answers(source))) return `the package source ${source} does not answer`;
  return undefined;
}

/** Why Go cannot build here, or undefined when it can. */
async function goUnavailable(): Promise<string | undefined> {
  const go = findGo();
  if (!go) return 'Go is not installed (install Go ≥ 1.24: https://go.dev/dl/)';
  const { stdout } = await promisify(execFile)(go, ['env', 'GOPROXY'], { timeout: 5_000 });
  const proxy = stdout
    .trim()
    .split(/[,|]/)
    .find((entry) => entry.startsWith('http'));
  if (!proxy) return stdout.trim() === 'off' ? 'GOPROXY=off' : undefined;
  if (!(await answers(proxy))) return `Go's module proxy ${proxy} does not answer`;
  return undefined;
}

/** The first http(s) package source in apt's configuration (one-line and deb822 formats). */
function aptSourceUrl(): string | undefined {
  const files = ['/etc/apt/sources.list'];
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir)) {
    for (const file of readdirSync(dir)) if (/\.(list|sources)$/.test(file)) files.push(join(dir, file));
  }
  for (const file of files.filter((path) => existsSync(path))) {
    const text = readFileSync(file, 'utf8');
    const match = /^\s*(?:deb\s+(?:\[[^\]]*\]\s+)?|URIs:\s*)(https?:\/\/\S+)/m.exec(text);
    if (match) return match[1];
  }
  return undefined;
}

/** True when an HTTP server answers at `url` within a few seconds (any status). */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(4_000) });
    return true;
  } catch {
    return false;
  }
}
