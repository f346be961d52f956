import { spawn, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';

/**
 * The media tool launcher's own process (started by process-launcher.ts with `fork`): it spawns the tools it
 * is asked to, relays their output and exit, and kills them on request. It stays small, so that a spawn here
 * copies a few tens of MB of address space instead of the worker's hundreds.
 */

/** From the worker. */
export type LauncherCommand =
  { type: 'run'; id: number; command: string; args: string[]; niceness: number } | { type: 'kill'; id: number };

/** To the worker. */
export type LauncherEvent =
  | { id: number; type: 'started'; pid: number }
  | { id: number; type: 'stdout' | 'stderr'; data: string }
  | { id: number; type: 'exit'; code: number | null }
  | { id: number; type: 'error'; message: string; code?: string };

const children = new Map<number, ChildProcess>();
const send = (event: LauncherEvent) => {
  if (process.connected) process.send!(event);
};

function run({ id, command, args, niceness }: Extract<LauncherCommand, { type: 'run' }>): void {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.set(id, child);
  if (child.pid !== undefined) {
    send({ id, type: 'started', pid: child.pid });
    try {
      setPriority(child.pid, niceness);
    } catch {
      // Gone already, or not allowed: the tool runs at the launcher's priority.
    }
  }
  child.stdout.setEncoding('utf8').on('data', (data: string) => send({ id, type: 'stdout', data }));
  child.stderr.setEncoding('utf8').on('data', (data: string) => send({ id, type: 'stderr', data }));
  child.once('error', (error: NodeJS.ErrnoException) => {
    children.delete(id);
    send({ id, type: 'error', message: error.message, code: error.code });
  });
  child.once('close', (code) => {
    if (children.delete(id)) send({ id, type: 'exit', code });
  });
}

process.on('message', (command: LauncherCommand) => {
  if (command.type === 'kill') children.get(command.id)?.kill('SIGKILL');
  else run(command);
});

// The worker is gone: so are its tools.
process.on('disconnect', () => {
  for (const child of children.values()) child.kill('SIGKILL');
  process.exit(0);
});
