import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess } from './managed-process';

describe('ManagedProcess', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'voxflow-proc-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts a detached process, finds it by pid file, and stops it', async () => {
    const proc = new ManagedProcess('sleeper', dir);
    const record = proc.start('/bin/sleep', ['30']);
    expect(proc.running()?.pid).toBe(record.pid);
    expect(JSON.parse(readFileSync(proc.pidFile, 'utf8')).command).toBe('/bin/sleep');

    expect(await proc.stop(2_000)).toBe(true);
    expect(proc.running()).toBeUndefined();
    expect(await proc.stop()).toBe(false);
  });

  it('escalates to SIGKILL when the process ignores SIGTERM', async () => {
    const proc = new ManagedProcess('stubborn', dir);
    proc.start('/bin/sh', ['-c', 'trap "" TERM; while true; do sleep 0.1; done']);
    const started = Date.now();
    expect(await proc.stop(300)).toBe(true);
    expect(proc.running()).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('never claims a pid that now runs a different program', () => {
    const proc = new ManagedProcess('recycled', dir);
    // Our own pid runs node, not the recorded binary: it must count as stale, not as running.
    writeFileSync(
      proc.pidFile,
      JSON.stringify({ pid: process.pid, command: '/usr/bin/mongod', args: [], startedAt: '' }),
    );
    expect(proc.running()).toBeUndefined();
  });

  it('explains an early exit with the tail of the log', async () => {
    const proc = new ManagedProcess('crasher', dir);
    proc.start('/bin/sh', ['-c', 'echo "port already in use" >&2; exit 3']);
    for (let i = 0; i < 50 && proc.running(); i++) await sleep(50);
    expect(proc.exitReason()).toContain('port already in use');
  });
});
