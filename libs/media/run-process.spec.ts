import { runProcess } from './run-process';

describe('runProcess', () => {
  it('runs media tools niced, below the worker that starts them', async () => {
    // Field 19 of /proc/<pid>/stat is the nice value; the shell waits so the priority is set before it reads.
    const { stdout } = await runProcess('sh', ['-c', 'sleep 0.3; cut -d " " -f 19 /proc/self/stat']);
    expect(Number(stdout.trim())).toBe(10);
  });

  it('reports a failed tool with its exit code and last stderr lines', async () => {
    await expect(runProcess('sh', ['-c', 'echo broken input >&2; exit 3'])).rejects.toThrow(
      'sh exited with 3: broken input',
    );
  });
});
