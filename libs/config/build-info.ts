import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INSTALL_ROOT } from './install-paths';

/** What `/health` names: which service answers, at which release and commit. */
export interface BuildInfo {
  service: string;
  version: string;
  commit: string;
}

let cached: Omit<BuildInfo, 'service'> | undefined;

/**
 * The release comes from package.json; the commit from VOXFLOW_COMMIT (the image's build argument) or, in a
 * checkout, from git. Read once per process.
 */
export function buildInfo(service: string): BuildInfo {
  cached ??= {
    version: (JSON.parse(readFileSync(join(INSTALL_ROOT, 'package.json'), 'utf8')) as { version: string }).version,
    commit: process.env.VOXFLOW_COMMIT || gitCommit(),
  };
  return { service, ...cached };
}

function gitCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: INSTALL_ROOT,
      timeout: 2_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return commit.toString().trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}
