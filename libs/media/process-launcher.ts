import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts media tools from a small helper process instead of the worker itself. A spawn forks the process that
 * makes it: for the worker (hundreds of MB) that is a page-table copy, and then a copy-on-write fault on every
 * page the worker writes next; a profile of a 300-job run put those faults near a fifth of its CPU. The helper
 * is a bare Node process of a few tens of MB that only spawns, relays output and kills.
 */

/** Messages from the helper. */
type LauncherEvent =
  | { id: number; type: 'started'; pid: number }
  | { id: number; type: 'stdout' | 'stderr'; data: string }
  | { id: number; type: 'exit'; code: number | null }
  | { id: number; type: 'error'; message: string; code?: string };

export interface LaunchHandlers {
  onStdout(data: string): void;
  onStderr(data: string): void;
  onExit(code: number | null): void;
  onError(error: Error): void;
}

export interface LaunchedProcess {
  kill(): void;
}

// Plain JavaScript run with `node -e`: the helper needs no build step and no file next to the compiled code.
const HELPER_SOURCE = `
const { spawn } = require('node:child_process');
const { setPriority } = require('node:os');
const children = new Map();
const send = (message) => { if (process.connected) process.send(message); };
process.on('message', ({ type, id, command, args, niceness }) => {
  if (type === 'kill') return void children.get(id)?.kill('SIGKILL');
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.set(id, child);
  if (child.pid !== undefined) { send({ id, type: 'started', pid: child.pid }); try { setPriority(child.pid, niceness); } catch {} }
  child.stdout.setEncoding('utf8').on('data', (data) => send({ id, type: 'stdout', data }));
  child.stderr.setEncoding('utf8').on('data', (data) => send({ id, type: 'stderr', data }));
  child.once('error', (error) => { children.delete(id); send({ id, type: 'error', message: error.message, code: error.code }); });
  child.once('close', (code) => { if (children.delete(id)) send({ id, type: 'exit', code }); });
});
// The worker is gone: so are its tools.
process.on('disconnect', () => { for (const child of children.values()) child.kill('SIGKILL'); process.exit(0); });
`;

/** A tool on its way: who hears of it, and its process id once the helper has started it. */
interface RunningTool {
  handlers: LaunchHandlers;
  pid?: number;
}

/** One helper process and the tools it runs: when it exits, those tools (and only those) are lost. */
class LauncherProcess {
  private readonly child: ChildProcess;
  private readonly running = new Map<number, RunningTool>();
  private nextId = 1;

  constructor() {
    this.child = spawn(process.execPath, ['-e', HELPER_SOURCE], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      // The worker's own flags (heap settings, preloads) are not the helper's.
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    this.child.on('message', (event: LauncherEvent) => this.deliver(event));
    this.child.once('exit', (code, signal) => {
      const lost = new Error(`the media tool launcher exited (${signal ?? code}); its tools were lost`);
      for (const { handlers, pid } of this.running.values()) {
        // Orphaned, the tool would run to its end for nobody, holding a core; its activity is retried anyway.
        // (Linux hands out process ids in sequence: a tool that ended a moment ago left no id to reuse so soon.)
        if (pid !== undefined) killQuietly(pid);
        handlers.onError(lost);
      }
      this.running.clear();
    });
    // Never keeps the worker alive by itself.
    this.child.unref();
    this.child.channel?.unref();
  }

  get usable(): boolean {
    return this.child.connected;
  }

  launch(command: string, args: string[], niceness: number, handlers: LaunchHandlers): LaunchedProcess {
    const id = this.nextId++;
    this.running.set(id, { handlers });
    this.child.channel?.ref(); // A running tool keeps this process alive, as a child of its own would.
    this.child.send({ type: 'run', id, command, args, niceness });
    return { kill: () => (this.running.has(id) && this.usable ? this.child.send({ type: 'kill', id }) : undefined) };
  }

  private deliver(event: LauncherEvent): void {
    const tool = this.running.get(event.id);
    if (!tool) return;
    const { handlers } = tool;
    switch (event.type) {
      case 'started':
        tool.pid = event.pid;
        return;
      case 'stdout':
        return handlers.onStdout(event.data);
      case 'stderr':
        return handlers.onStderr(event.data);
      case 'exit':
        this.settled(event.id);
        return handlers.onExit(event.code);
      case 'error':
        this.settled(event.id);
        return handlers.onError(Object.assign(new Error(event.message), { code: event.code }));
    }
  }

  private settled(id: number): void {
    this.running.delete(id);
    if (this.running.size === 0) this.child.channel?.unref();
  }
}

class ProcessLauncher {
  private current?: LauncherProcess;

  /** Runs the tool on the live helper, starting one first when there is none (or it went away). */
  launch(command: string, args: string[], niceness: number, handlers: LaunchHandlers): LaunchedProcess {
    if (!this.current?.usable) this.current = new LauncherProcess();
    return this.current.launch(command, args, niceness, handlers);
  }
}

/** SIGKILL to a process that may have ended already. */
function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

/** One launcher per process, started on first use. */
export const processLauncher = new ProcessLauncher();
