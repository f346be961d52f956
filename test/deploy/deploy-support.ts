import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments, parse } from 'yaml';
import { readInfraOptions } from '../../deploy/local/infra-options';
import { findOnPath, kustomize, requireTool } from '../../deploy/local/toolchain';

export const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

/** Rendered manifests and compose services are checked field by field; their schemas are not typed here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export type Manifest = {
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Loose;
  data?: Record<string, string>;
};

export const OVERLAYS = readdirSync(join(ROOT, 'deploy', 'k8s', 'overlays'));

/** `kustomize build` of one overlay, parsed. */
export async function renderOverlay(overlay: string): Promise<Manifest[]> {
  const { stdout } = await run(
    requireTool(kustomize(readInfraOptions().cacheDir)),
    ['build', join(ROOT, 'deploy', 'k8s', 'overlays', overlay)],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return parseAllDocuments(stdout).map((doc) => doc.toJS() as Manifest);
}

/** `docker-compose config` (Debian's docker-compose, or the `docker compose` plugin), parsed. */
export async function renderCompose(): Promise<{ services: Record<string, Loose>; volumes: Record<string, unknown> }> {
  const standalone = findOnPath('docker-compose');
  const docker = findOnPath('docker');
  if (!standalone && !docker) throw new Error('docker-compose is needed for this test: apt-get install docker-compose');
  // An empty env file: the defaults in docker-compose.yml apply, whatever the developer's .env holds.
  const emptyEnv = join(mkdtempSync(join(tmpdir(), 'voxflow-compose-')), 'empty.env');
  writeFileSync(emptyEnv, '');
  const args = ['--env-file', emptyEnv, 'config'];
  const { stdout } = await run(standalone ?? docker!, standalone ? args : ['compose', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '' },
  });
  return parse(stdout) as { services: Record<string, Loose>; volumes: Record<string, unknown> };
}

/** NAME=value lines of an env file (comments and blank lines skipped). */
export function readEnvFile(path: string): Record<string, string> {
  const entries = readFileSync(join(ROOT, path), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const eq = line.indexOf('=');
      return [line.slice(0, eq), line.slice(eq + 1)] as const;
    });
  return Object.fromEntries(entries);
}

export function podSpecs(manifests: Manifest[]): { owner: string; spec: Loose }[] {
  return manifests
    .filter((m) => ['Deployment', 'StatefulSet', 'Job', 'DaemonSet', 'CronJob'].includes(m.kind))
    .map((m) => ({
      owner: `${m.kind}/${m.metadata.name}`,
      spec: m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template.spec : m.spec.template.spec,
    }));
}

/** `--search-attribute=Name=Type` or `--name=Name --type=Type` pairs in a command line, as `Name=Type`. */
export function searchAttributesIn(args: string[]): string[] {
  const flags = args.flatMap((arg, i) =>
    arg.startsWith('--') && !arg.includes('=') ? [`${arg}=${args[i + 1]}`] : [arg],
  );
  const direct = flags
    .filter((a) => a.startsWith('--search-attribute='))
    .map((a) => a.slice('--search-attribute='.length));
  const names = flags.filter((a) => a.startsWith('--name=')).map((a) => a.slice(7));
  const types = flags.filter((a) => a.startsWith('--type=')).map((a) => a.slice(7));
  return [...direct, ...names.map((name, i) => `${name}=${types[i]}`)].sort();
}
