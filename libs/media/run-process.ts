import { basename } from 'node:path';
import { MediaToolUnavailableError } from './media-errors';
import { processLauncher } from './process-launcher';

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
    const { signal } = options;
    const aborted = () => (signal?.reason instanceof Error ? signal.reason : new Error(`${command} aborted`));
    if (signal?.aborted) return reject(aborted());
    let stdout = '';
    let stderr = '';
    const lines = (onLine?: (line: string) => void) => {
      let pending = '';
      return (chunk: string) => {
        if (!onLine) return;
        pending += chunk;
        const parts = pending.split(/\r?\n|\r/);
        pending = parts.pop() ?? '';
        for (const line of parts) onLine(line);
      };
    };
    const onStdout = lines(options.onStdoutLine);
    const onStderr = lines(options.onStderrLine);
    const finish = () => signal?.removeEventListener('abort', kill);
    const tool = processLauncher.launch(command, args, MEDIA_TOOL_NICENESS, {
      onStdout: (chunk) => {
        if (stdout.length < 1_000_000) stdout += chunk;
        onStdout(chunk);
      },
      onStderr: (chunk) => {
        stderr = (stderr + chunk).slice(-20_000);
        onStderr(chunk);
      },
      onError: (error) => {
        finish();
        if (signal?.aborted) return reject(aborted());
        // Spawn errors (ENOENT, EACCES) and a lost launcher: the tool, not the recording, is at fault.
        const reason = (error as NodeJS.ErrnoException).code ?? error.message;
        reject(new MediaToolUnavailableError(`${basename(command)} could not be started (${reason})`));
      },
      onExit: (code) => {
        finish();
        if (code === 0) resolvePromise({ stdout, stderr });
        else if (signal?.aborted) reject(aborted());
        // No exit code: killed by a signal nobody here sent (a crash, the OOM killer).
        else if (code === null) reject(new MediaToolUnavailableError(`${basename(command)} crashed`));
        else reject(new ProcessFailedError(command, code, stderr));
      },
    });
    // Cancelled jobs must not leave ffmpeg running.
    const kill = () => tool.kill();
    signal?.addEventListener('abort', kill, { once: true });
  });
}

/**
 * Media tools are batch work: ten steps below normal, they take what CPU the worker's event loop (heartbeats,
 * polls, provider streams) and anything sharing the machine leave.
 */
const MEDIA_TOOL_NICENESS = 10;
