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
