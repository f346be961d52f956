import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from '../support/wait-until';

const RUN_PROCESS = join(__dirname, '..', '..', 'dist', 'libs', 'media', 'run-process.js');

/** A process's state letter from /proc (R, S, Z, …); undefined once it is reaped. */
function stateOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[0];
  } catch {
    return undefined;
  }
}

describe('media tools of a process that dies', () => {
  it('die with it: the launcher kills what it runs when its worker is gone (SIGKILL included)', async () => {
    // A stand-in worker (the built code, as the worker runs it) starting a long tool through runProcess.
    const script = `
      const { runProcess } = require(${JSON.stringify(RUN_PROCESS)});
      runProcess('sh', ['-c', 'echo $$; exec sleep 60'], { onStdoutLine: (line) => console.log(line) }).catch(() => {});
      setInterval(() => {}, 1000);`;
    const worker = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    worker.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const tool = await waitUntil('the tool to start', () => Number(output.trim()) || undefined, 10_000);
    expect(stateOf(tool)).toBe('S'); // asleep, alive

    worker.kill('SIGKILL');
    // Killed by the launcher, then reaped by whoever inherits it.
    await waitUntil('the tool to die', () => [undefined, 'Z'].includes(stateOf(tool)), 5_000);
  });
});
