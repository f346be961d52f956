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

describe('ESLint workflow sandbox rules', () => {
  it('rejects Node built-ins and worker-side SDK packages in workflow code, but allows type imports', async () => {
    const [result] = await lint(['--no-ignore', 'test/fixtures/lint/workflows/imports-node-builtins.ts']);
    const restricted = result!.messages.filter((message) => message.ruleId === 'no-restricted-imports');

    // Line 5 is `import type { Client }`: types vanish at compile time, so they are allowed.
    expect(restricted.map((message) => message.line)).toEqual([2, 3, 4]);
    expect(restricted[0]!.message).toContain("'fs' import is restricted");
    expect(restricted[1]!.message).toContain("'node:crypto' import is restricted");
    expect(restricted[2]!.message).toContain('Workflows may import @temporalio/workflow and shared contracts only');
  });

  it('passes the real workflows folder', async () => {
    const results = await lint(['workflows']);
    expect(results.length).toBeGreaterThan(0);
    expect(results.flatMap((result) => result.messages)).toEqual([]);
  });
});
