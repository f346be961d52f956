import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface PidRecord {
  pid: number;
  command: string;
  args: string[];
  startedAt: string;
}

/**
 * A server process started by Voxflow's infra tool: detached (it outlives `infra:up`), logging to
 * <dir>/<name>.log, identified by <dir>/<name>.pid. Stopping checks the pid still runs the same
 * binary, so a recycled pid is never signalled.
 */
export class ManagedProcess {
  readonly pidFile: string;
  readonly logFile: string;

  constructor(
    readonly name: string,
    readonly dir: string,
  ) {
    this.pidFile = join(dir, `${name}.pid`);
    this.logFile = join(dir, `${name}.log`);
  }

  /** The live process recorded in the pid file; a stale file is removed. */
  running(): PidRecord | undefined {
    let record: PidRecord;
    try {
      record = JSON.parse(readFileSync(this.pidFile, 'utf8')) as PidRecord;
    } catch {
      return undefined;
    }
    if (isAlive(record)) return record;
    rmSync(this.pidFile, { force: true });
    return undefined;
  }

  start(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): PidRecord {
    mkdirSync(this.dir, { recursive: true });
    const log = openSync(this.logFile, 'a');
    try {
      const child = spawn(command, args, {
        cwd: options.cwd ?? this.dir,
        env: options.env ?? process.env,
        detached: true,
        stdio: ['ignore', log, log],
      });
      if (child.pid === undefined) throw new Error(`could not start ${command}`);
      child.unref();
      const record: PidRecord = { pid: child.pid, command, args, startedAt: new Date().toISOString() };
      writeFileSync(this.pidFile, `${JSON.stringify(record)}\n`);
      return record;
    } finally {
      closeSync(log);
    }
  }

  /** For readiness waits: a reason to give up when the process has already died. */
  exitReason(): string | undefined {
    if (this.running()) return undefined;
    return `the process exited; last lines of ${this.logFile}:\n${this.logTail(15)}`;
  }

  logTail(lines: number): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** SIGTERM to the process group, SIGKILL after the grace period. Resolves true if it was running. */
  async stop(graceMs = 15_000): Promise<boolean> {
    const record = this.running();
    if (!record) return false;
    signalGroup(record.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isAlive(record) && Date.now() < deadline) await sleep(100);
    if (isAlive(record)) {
      signalGroup(record.pid, 'SIGKILL');
      while (isAlive(record)) await sleep(50);
    }
    rmSync(this.pidFile, { force: true });
    return true;
  }
}

function isAlive(record: PidRecord): boolean {
  try {
    const stat = readFileSync(`/proc/${record.pid}/stat`, 'utf8');
    // Field 3 is the state; a zombie has exited even though its pid still exists.
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    // Some servers (redis-server) rewrite their title to "name host:port", so compare the first word only.
    const argv0 = readFileSync(`/proc/${record.pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return basename(argv0.split(' ')[0] ?? '') === basename(record.command);
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}
