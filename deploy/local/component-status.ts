import type { ManagedProcess } from './managed-process';
import { isPortOpen } from './probes';

/** What `infra up|status` reports for one part of the local infrastructure. */
export interface ComponentStatus {
  name: 'temporal' | 'mongodb' | 'redis';
  /**
   * started: started by this call; running: started earlier by Voxflow (pid file);
   * external: configured or already answering, never stopped by `infra down`; stopped: not running.
   */
  state: 'started' | 'running' | 'external' | 'stopped';
  /** How clients reach it: a URI or host:port. */
  address: string;
  pid?: number;
  /** Human-readable extras: UI link, implementation, data location, log file. */
  details: string[];
}

/**
 * The status of a server that need not be started: one Voxflow started earlier (its pid file), or another
 * answering on the port. Undefined when nothing is there; an error when something holds the port but
 * `answers` (the server's own check) says it is not `what`.
 */
export async function alreadyServing(
  name: ComponentStatus['name'],
  server: { proc: ManagedProcess; port: number; address: string; details?: string[] },
  what: string,
  answers: () => Promise<boolean>,
): Promise<ComponentStatus | undefined> {
  const { proc, port, address } = server;
  const existing = proc.running();
  if (!existing && !(await isPortOpen(port))) return undefined;
  if (!(await answers())) throw new Error(`Port ${port} is taken by something that does not answer as ${what}.`);
  return existing
    ? { name, state: 'running', address, pid: existing.pid, details: server.details ?? [`log ${proc.logFile}`] }
    : { name, state: 'external', address, details: ['already answering; not started by Voxflow'] };
}
