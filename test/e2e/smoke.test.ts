import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { startApiHarness, type ApiHarness } from '../support/api-harness';

const SMOKE = join(__dirname, '..', '..', 'dist', 'deploy', 'smoke', 'smoke.js');

function smoke(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [SMOKE, ...args], { timeout: 120_000 }, (error, stdout) =>
      resolvePromise({ code: error ? Number(error.code ?? 1) : 0, stdout }),
    );
  });
}

/** `npm run smoke` against the real API and worker on the local infrastructure, the simulator behind them. */
describe('npm run smoke', () => {
  let api: ApiHarness;
  let key: string;

  beforeAll(async () => {
    api = await startApiHarness();
    ({ key } = await api.tenant());
  });

  afterAll(async () => {
    await api?.close();
  });

  it('passes every check against a running deployment, and leaves no job behind', async () => {
    const { code, stdout } = await smoke([api.baseUrl, '--key', key]);
    expect({ code, stdout }).toEqual({ code: 0, stdout: expect.stringContaining('smoke: all 4 checks passed') });
    for (const check of ['health', 'auth', 'job', 'live']) expect(stdout).toMatch(new RegExp(`^ok +${check} `, 'm'));
    expect(stdout).toMatch(/^ok +job +job_\w+ completed in [\d.]+ s: "\w/m);
    const jobs = (await (await api.call('/v1/jobs', { key })).json()) as { data: unknown[] };
    expect(jobs.data).toEqual([]);
  });

  it('fails, naming the job check, when no worker runs; and refuses a bad key on every check that needs one', async () => {
    await api.stopWorker();
    try {
      const { code, stdout } = await smoke([api.baseUrl, '--key', key, '--timeout', '8']);
      expect(code).toBe(1);
      expect(stdout).toMatch(/^FAIL +job +job_\w+ still queued after 8 s: is a worker running\?/m);
      expect(stdout).toMatch(/^ok +health /m);
      expect(stdout).toMatch(/^ok +live /m);
      expect(stdout).toContain('smoke: 1 of 4 checks failed');
    } finally {
      await api.startWorker();
    }
    const refused = await smoke([api.baseUrl, '--key', 'vf_not_a_key', '--timeout', '5']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^FAIL +auth +GET \/v1\/jobs with the key answered 401/m);
    expect(refused.stdout).toMatch(/^FAIL +job /m);
    expect(refused.stdout).toMatch(/^FAIL +live +speaker handshake/m);
  });
});
