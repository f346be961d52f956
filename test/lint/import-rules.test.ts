import { execFile } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const eslintBin = join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');

interface LintResult {
  filePath: string;
  messages: { ruleId: string | null; line: number; message: string }[];
}

/** Runs the project's ESLint CLI, as `npm run lint` does, and returns its JSON report. */
function lint(args: string[]): Promise<LintResult[]> {
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, [eslintBin, '--format', 'json', ...args], { cwd: root }, (error, stdout) => {
      // Exit code 1 means "lint errors found", which some cases expect; anything else is a broken run.
      if (error && error.code !== 1) reject(new Error(`eslint failed: ${error.message}`));
      else resolvePromise(JSON.parse(stdout) as LintResult[]);
    });
  });
}

/** One ESLint run (type-aware runs are slow) over the fixtures that break each rule and the real folders. */
let results: LintResult[];
beforeAll(async () => {
  results = await lint(['--no-ignore', 'test/fixtures/lint', 'workflows', 'libs', 'apps', 'activities']);
}, 120_000);

const restricted = (file: string) =>
  results
    .find((result) => result.filePath.endsWith(file))!
    .messages.filter((message) => message.ruleId === 'no-restricted-imports');

describe('ESLint workflow sandbox rules', () => {
  it('rejects Node built-ins and worker-side SDK packages in workflow code, but allows type imports', () => {
    const messages = restricted('test/fixtures/lint/workflows/imports-node-builtins.ts');
    // Line 5 is `import type { Client }`: types vanish at compile time, so they are allowed.
    expect(messages.map((message) => message.line)).toEqual([2, 3, 4]);
    expect(messages[0]!.message).toContain("'fs' import is restricted");
    expect(messages[1]!.message).toContain("'node:crypto' import is restricted");
    expect(messages[2]!.message).toContain('Workflows may import @temporalio/workflow and shared contracts only');
  });

  it('rejects anything but libs/contracts from the rest of the tree, type imports included', () => {
    const messages = restricted('test/fixtures/lint/workflows/imports-outside-contracts.ts');
    // Line 4 imports libs/contracts: the one place workflows share types and constants with the rest.
    expect(messages.map((message) => message.line)).toEqual([2, 3]);
    for (const message of messages) expect(message.message).toContain('Workflows import libs/contracts only');
  });

  it('passes the real workflows folder', () => {
    const workflows = results.filter(
      (result) => result.filePath.includes('/workflows/') && !result.filePath.includes('/fixtures/'),
    );
    expect(workflows.length).toBeGreaterThan(5);
    expect(workflows.flatMap((result) => result.messages)).toEqual([]);
  });
});

describe('ESLint layering rules', () => {
  it('rejects imports of workflows/, activities/ and deploy/ from libs/, type imports included', () => {
    const messages = restricted('test/fixtures/lint/libs/imports-upward.ts');
    expect(messages.map((message) => message.line)).toEqual([2, 3, 4]);
    expect(messages[0]!.message).toContain('libs/ imports neither workflows/ nor activities/');
    expect(messages[2]!.message).toContain('libs/ imports neither the apps nor deploy/ tooling');
  });

  it('rejects deploy/ tooling in the apps', () => {
    const messages = restricted('test/fixtures/lint/apps/imports-deploy.ts');
    expect(messages.map((message) => message.line)).toEqual([2]);
    expect(messages[0]!.message).toContain('deploy/ is local tooling');
  });

  it('passes the real libs/, apps/ and activities/', () => {
    const real = results.filter((result) => !result.filePath.includes('/fixtures/'));
    expect(real.length).toBeGreaterThan(100);
    expect(real.flatMap((result) => result.messages.filter((m) => m.ruleId === 'no-restricted-imports'))).toEqual([]);
  });
});
