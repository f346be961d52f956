import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { ROOT } from './deploy-support';

/** What the runtime image starts (deploy/docker/Dockerfile, docker-compose.yml, deploy/k8s). */
const ENTRY_POINTS = ['apps/api/main.ts', 'apps/worker/main.ts', 'apps/cli/main.ts', 'apps/simulator/main.ts'];
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Value imports of one file: `import … from 'x'` and `require('x')`, skipping `import type`. */
function valueImports(source: string): string[] {
  const specifiers: string[] = [];
  for (const match of source.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm))
    if (!match[2]) specifiers.push(match[3]!);
  for (const match of source.matchAll(/^\s*import\s+'([^']+)'/gm)) specifiers.push(match[1]!);
  for (const match of source.matchAll(/require(?:\.resolve)?\('([^']+)'\)/g)) specifiers.push(match[1]!);
  return specifiers;
}

function resolveSource(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
}

/** Every package the entry points load at run time, following the project's own imports. */
function runtimePackages(): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const queue = ENTRY_POINTS.map((entry) => join(ROOT, entry));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of valueImports(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) {
        const next = resolveSource(file, specifier);
        if (next) queue.push(next);
        continue;
      }
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
      if (!name.startsWith('node:') && !builtinModules.includes(name)) packages.set(name, file.slice(ROOT.length + 1));
    }
  }
  expect(seen.size).toBeGreaterThan(100);
  return packages;
}

describe('the runtime image', () => {
  it('needs only production dependencies (npm ci --omit=dev)', () => {
    const packages = runtimePackages();
    expect(packages.has('@temporalio/worker')).toBe(true);
    const missing = [...packages]
      .filter(([name]) => !(name in pkg.dependencies))
      .map(([name, file]) => `${name} (${file})`);
    expect(missing).toEqual([]);
  });
});
