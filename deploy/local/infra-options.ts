import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * Settings of the local infrastructure tool (a developer tool, separate from the apps' config).
 * Connection variables keep their app names: when one is set, that part is external and never started.
 */
export interface InfraOptions {
  repoRoot: string;
  /** Logs, pid files and server data (VOXFLOW_DATA_DIR, default <repo>/.data). */
  dataDir: string;
  /** Built server binaries, kept outside the repository (VOXFLOW_CACHE_DIR, default ~/.cache/voxflow/bin). */
  cacheDir: string;
  temporalCli?: string;
  /** Where managed servers listen (ARCHITECTURE.md ports; tests run isolated stacks on others). */
  ports: { temporal: number; temporalUi: number; mongodb: number; redis: number };
  external: { temporalAddress?: string; mongodbUri?: string; redisUrl?: string };
}

export function readInfraOptions(env: NodeJS.ProcessEnv = process.env): InfraOptions {
  const repoRoot = findRepoRoot(__dirname);
  const cacheHome = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return {
    repoRoot,
    dataDir: resolve(env.VOXFLOW_DATA_DIR || join(repoRoot, '.data')),
    cacheDir: resolve(env.VOXFLOW_CACHE_DIR || join(cacheHome, 'voxflow', 'bin')),
    temporalCli: env.TEMPORAL_CLI || undefined,
    ports: { temporal: 7233, temporalUi: 8233, mongodb: 27017, redis: 6379 },
    external: {
      temporalAddress: env.TEMPORAL_ADDRESS || undefined,
      mongodbUri: env.MONGODB_URI || undefined,
      redisUrl: env.REDIS_URL || undefined,
    },
  };
}

/** Walks up from `start` to the folder whose package.json is Voxflow's (works from source and dist/). */
export function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'voxflow') return dir;
    if (dirname(dir) === dir) throw new Error(`No Voxflow package.json above ${start}`);
  }
}
