import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';

export interface ProcessResult {
  stdout: string;
  stderr: string;
}

export class ProcessFailedError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`${command} exited with ${exitCode}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
}

/**
 * Runs a media tool. The abort signal kills it (cancelled jobs must not leave ffmpeg running), and
 * stderr is bounded so a chatty process cannot grow memory.
 */
export function runProcess(
  command: string,
  args: string[],
  options: { signal?: AbortSignal; onStdoutLine?: (line: string) => void; onStderrLine?: (line: string) => void } = {},
): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
      killSignal: 'SIGKILL',
    });
    if (child.pid !== undefined) lowerPriority(child.pid);
    let stdout = '';
    let stderr = '';
    const lines = (onLine?: (line: string) => void) => {
      let pending = '';
      return (chunk: Buffer) => {
        if (!onLine) return;
        pending += chunk.toString();
        const parts = pending.split(/\r?\n|\r/);
        pending = parts.pop() ?? '';
        for (const line of parts) onLine(line);
      };
    };
    const onStdout = lines(options.onStdoutLine);
    const onStderr = lines(options.onStderrLine);
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < 1_000_000) stdout += chunk.toString();
      onStdout(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-20_000);
      onStderr(chunk);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolvePromise({ stdout, stderr });
      else if (options.signal?.aborted)
        reject(options.signal.reason instanceof Error ? options.signal.reason : new Error(`${command} aborted`));
      else reject(new ProcessFailedError(command, code, stderr));
    });
  });
}

/** Ten steps below normal: the kernel gives a niced process a small share while others want the CPU. */
const MEDIA_TOOL_NICENESS = 10;

/**
 * Media tools are batch work: niced, they take what CPU the worker's event loop (heartbeats, polls, provider
 * streams) and anything sharing the machine leave. Best effort: the process may already have exited.
 */
function lowerPriority(pid: number): void {
  try {
    setPriority(pid, MEDIA_TOOL_NICENESS);
  } catch {
    // Gone already, or not permitted here: it runs at normal priority.
  }
}
