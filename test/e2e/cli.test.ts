import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { speechRecording } from '../support/audio-fixtures';
import { runCli } from '../support/cli-process';

describe('voxflow CLI against the running API', () => {
  let api: ApiHarness;
  let key: string;

  beforeAll(async () => {
    api = await startApiHarness();
  });

  afterAll(async () => {
    await api?.close();
  });

  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, { VOXFLOW_API_URL: api.baseUrl, VOXFLOW_API_KEY: key ?? '', ...env });

  it('creates a key, submits a file with --wait, and reads status, list and transcripts', async () => {
    const created = await cli(['keys', 'create', '--tenant', `cli-${Date.now()}`, '--json'], {
      MONGODB_URI: api.config.mongodb.uri,
    });
    expect(created.code).toBe(0);
    const keys = JSON.parse(created.stdout) as { tenant: string; key: string; webhook_secret: string };
    expect(keys).toEqual({
      tenant: expect.stringMatching(/^cli-/),
      id: expect.stringMatching(/^key_/),
      key: expect.stringMatching(/^vfk_[A-Za-z0-9]{40}$/),
      scopes: ['jobs:write', 'jobs:read', 'live:speak', 'live:watch', 'admin'],
      webhook_secret: expect.stringMatching(/^whsec_/),
    });
    key = keys.key;

    const submitted = await cli(['submit', await speechRecording(30), '--translate', 'es', '--wait']);
    expect(submitted.code).toBe(0);
    expect(submitted.stdout).toMatch(/status\s+completed \(done, 100%\)/);
    expect(submitted.stderr).toMatch(/submitted job_/);
    expect(submitted.stderr).toMatch(/100% done/);
    const jobId = /job\s+(job_\w+)/.exec(submitted.stdout)![1]!;

    const status = await cli(['status', jobId, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ id: jobId, status: 'completed' });
    const list = await cli(['list', '--status', 'completed']);
    expect(list.stdout).toContain(jobId);
    const srt = await cli(['transcript', jobId, '--format', 'srt', '--lang', 'es']);
    expect(srt.code).toBe(0);
    expect(srt.stdout).toMatch(/^1\n00:00:\d\d,\d{3} --> /);
  });

  it('lists, rotates and revokes keys; a rotated or revoked key stops working', async () => {
    const tenant = `cli-keys-${Date.now()}`;
    const mongo = { MONGODB_URI: api.config.mongodb.uri };
    const keysCli = async (args: string[]) => {
      const answer = await cli(['keys', ...args, '--tenant', tenant, '--json'], mongo);
      expect(answer).toMatchObject({ code: 0, stderr: '' });
      return JSON.parse(answer.stdout) as { id: string; key: string; scopes: string[]; data: { id: string }[] };
    };
    const reader = await keysCli([
      'create',
      '--scopes',
      'jobs:read',
      '--label',
      'dashboard',
      '--expires-in-days',
      '30',
    ]);
    expect(reader.scopes).toEqual(['jobs:read']);
    const withKey = (k: string, args: string[]) => cli(args, { VOXFLOW_API_KEY: k });
    expect((await withKey(reader.key, ['list'])).code).toBe(0);
    // The key may read, not submit.
    const refused = await withKey(reader.key, ['submit', 'https://example.com/a.mp3']);
    expect(refused.stderr).toMatch(/lacks the "jobs:write" scope\. \(insufficient_scope\)/);

    const listed = await keysCli(['list']);
    expect(listed.data).toEqual([
      expect.objectContaining({ id: reader.id, label: 'dashboard', scopes: ['jobs:read'] }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(reader.key);

    const rotated = await keysCli(['rotate', reader.id]);
    expect(rotated).toMatchObject({ scopes: ['jobs:read'], replaces: reader.id });
    expect((await withKey(rotated.key, ['list'])).code).toBe(0);
    await keysCli(['revoke', rotated.id]);
    // Both are refused once the API's short key cache has expired.
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 5_000));
    for (const gone of [reader.key, rotated.key])
      expect((await withKey(gone, ['list'])).stderr).toMatch(/The API key is not valid/);

    const unknown = await cli(['keys', 'list', '--tenant', 'no-such-tenant'], mongo);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No tenant named "no-such-tenant"/);
  });

  it("prints the API's message and exits non-zero on errors", async () => {
    const cancelFinished = await cli(['list', '--limit', '1', '--json']);
    const [job] = (JSON.parse(cancelFinished.stdout) as { data: { id: string }[] }).data;
    const refused = await cli(['cancel', job!.id]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/The job already ended \(completed\)\. \(job_finished\)/);

    const badKey = await cli(['list'], { VOXFLOW_API_KEY: `vfk_${'z'.repeat(40)}` });
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/The API key is not valid\. \(unauthorized\)/);
    const usage = await cli(['frobnicate']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/unknown command 'frobnicate'/);
    // A flag the command does not take is an error with its usage, not silently ignored.
    const unknownFlag = await cli(['status', 'job_x', '--lang', 'es']);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toMatch(/unknown option '--lang'[\s\S]*Usage: voxflow status/);
  });
});
