import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DIST_DIR } from '../config/install-paths';
import type { LauncherCommand, LauncherEvent } from './process-launcher-helper';

/**
 * Starts media tools from a small helper process instead of the worker itself. A spawn forks the process that
 * makes it: for the worker (hundreds of MB) that is a page-table copy, and then a copy-on-write fault on every
 * page the worker writes next (docs/benchmarks.md). The helper (process-launcher-helper.ts) is a bare Node
 * process of a few tens of MB that only spawns, relays output and kills.
 */

export interface LaunchHandlers {
  onStdout(data: string): void;
  onStderr(data: string): void;
  onExit(code: number | null): void;
  onError(error: Error): void;
}

export interface LaunchedProcess {
  kill(): void;
}

/** The launcher's code, compiled (the sources run it too: a forked process runs plain JavaScript). */
const HELPER_PATH = join(DIST_DIR, 'libs', 'media', 'process-launcher-helper.js');

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
    this.child = fork(HELPER_PATH, [], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      // The worker's own flags (heap settings, preloads) are not the helper's.
      execArgv: [],
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
    this.send({ type: 'run', id, command, args, niceness });
    return { kill: () => (this.running.has(id) && this.usable ? this.send({ type: 'kill', id }) : undefined) };
  }

  private send(command: LauncherCommand): void {
    this.child.send(command);
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
