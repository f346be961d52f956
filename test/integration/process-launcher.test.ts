import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { isRunning, processState } from '../support/proc-state';
import { waitUntil } from '../support/wait-until';

const RUN_PROCESS = join(__dirname, '..', '..', 'dist', 'libs', 'media', 'run-process.js');

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
    expect(processState(tool)).toBe('S'); // asleep, alive

    worker.kill('SIGKILL');
    // Killed by the launcher, then reaped by whoever inherits it.
    await waitUntil('the tool to die', () => !isRunning(tool), 5_000);
  });
});
