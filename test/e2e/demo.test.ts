import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

describe('npm run demo', () => {
  it('runs the main job end to end: exit 0, transcript, translation and a verified webhook', async () => {
    // Provider keys would switch the demo to real providers, which this machine cannot reach.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/_API_KEY$/.test(name)));
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolvePromise) =>
      execFile(
        process.execPath,
        [join(ROOT, 'dist', 'deploy', 'local', 'demo.js')],
        { cwd: ROOT, env, timeout: 240_000 },
        (error, out) => resolvePromise({ code: error ? Number(error.code ?? 1) : 0, stdout: out }),
      ),
    );
    expect(stdout).toContain('SANDBOX MODE');
    expect(stdout).toMatch(
      /✓ job\.completed received, Standard Webhooks signature verified \(webhook-id evt_job_\w+_completed\)/,
    );
    expect(stdout).toMatch(/--- transcript \(en\) \[simulated\]\n\S+/);
    expect(stdout).toMatch(/--- translation \(es\) \[simulated\]\n\S+/);
    expect(stdout).toMatch(/--- Temporal UI: http:\/\/127\.0\.0\.1:8233\/namespaces\/default\/workflows\/job_/);
    expect(code).toBe(0);
  });
});
