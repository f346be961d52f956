import { readFileSync } from 'node:fs';
import { isRunning, parentPid } from '../../test/support/proc-state';
import { waitUntil } from '../../test/support/wait-until';
import { MediaToolUnavailableError } from './media-errors';
import { runProcess } from './run-process';

describe('runProcess', () => {
  it('runs media tools niced, below the worker that starts them', async () => {
    // Field 19 of /proc/<pid>/stat is the nice value; the shell waits so the priority is set before it reads.
    const { stdout } = await runProcess('sh', ['-c', 'sleep 0.3; cut -d " " -f 19 /proc/self/stat']);
    expect(Number(stdout.trim())).toBe(10);
  });

  it('starts them from a small launcher process, not from the caller (whose fork would copy its memory)', async () => {
    const { stdout } = await runProcess('sh', ['-c', 'echo $PPID']);
    const launcher = Number(stdout.trim());
    expect(launcher).not.toBe(process.pid);
    expect(parentPid(launcher)).toBe(process.pid);
    expect(readFileSync(`/proc/${launcher}/cmdline`, 'utf8').split('\0')[1]).toMatch(/process-launcher-helper\.js$/);
  });

  it('relays output line by line and whole', async () => {
    const lines: string[] = [];
    const { stdout, stderr } = await runProcess('sh', ['-c', 'printf "a\\nb\\n"; echo progress=1 >&2'], {
      onStdoutLine: (line) => lines.push(line),
    });
    expect(lines).toEqual(['a', 'b']);
    expect(stdout).toBe('a\nb\n');
    expect(stderr).toBe('progress=1\n');
  });

  it('reports a failed tool with its exit code and last stderr lines', async () => {
    await expect(runProcess('sh', ['-c', 'echo broken input >&2; exit 3'])).rejects.toThrow(
      'sh exited with 3: broken input',
    );
  });

  it('reports a missing tool as unavailable, with its spawn error code', async () => {
    const missing = runProcess('/nonexistent/ffmpeg', []);
    await expect(missing).rejects.toThrow(MediaToolUnavailableError);
    await expect(missing).rejects.toThrow('ffmpeg could not be started (ENOENT)');
  });

  it('reports a tool killed by a signal nobody here sent (a crash) as unavailable, not as a failed input', async () => {
    const crash = runProcess('sh', ['-c', 'kill -SEGV $$']);
    await expect(crash).rejects.toThrow(MediaToolUnavailableError);
    await expect(crash).rejects.toThrow('sh crashed');
  });

  it('kills the tool when the signal aborts, and rejects with its reason', async () => {
    const controller = new AbortController();
    let toolPid = 0;
    const running = runProcess('sh', ['-c', 'echo $$; exec sleep 30'], {
      signal: controller.signal,
      onStdoutLine: (line) => {
        toolPid = Number(line);
        controller.abort(new Error('job cancelled'));
      },
    });
    await expect(running).rejects.toThrow('job cancelled');
    expect(toolPid).toBeGreaterThan(0);
    expect(isRunning(toolPid)).toBe(false);
  });

  it('fails and ends the running tools when the launcher dies, and starts a new launcher for the next', async () => {
    let launcher = 0;
    let tool = 0;
    const running = runProcess('sh', ['-c', 'echo $PPID $$; exec sleep 30'], {
      onStdoutLine: (line) => {
        [launcher, tool] = line.split(' ').map(Number) as [number, number];
        process.kill(launcher, 'SIGKILL');
      },
    });
    await expect(running).rejects.toThrow(/launcher exited/);
    // Not left to run to its end as an orphan.
    await waitUntil('the orphaned tool to die', () => !isRunning(tool), 2_000);
    const { stdout } = await runProcess('sh', ['-c', 'echo $PPID']);
    expect(Number(stdout.trim())).not.toBe(launcher);
  });
});
