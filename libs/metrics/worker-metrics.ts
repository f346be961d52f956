import { createServer, type Server } from 'node:http';
import { MetricRegistry } from './metric-registry';

/** The worker's Prometheus metrics, served on WORKER_METRICS_PORT (/metrics). */
export class WorkerMetrics extends MetricRegistry {
  readonly stageDuration = this.histogram(
    'voxflow_stage_duration_seconds',
    'Time jobs spent in each pipeline stage (including retries)',
    [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
    ['stage'],
  );

  readonly providerCalls = this.counter(
    'voxflow_provider_calls_total',
    'Provider calls by provider, operation and outcome (ok or an error code)',
    ['provider', 'operation', 'outcome'],
  );

  readonly webhookAttempts = this.counter(
    'voxflow_webhook_attempts_total',
    'Webhook delivery attempts by outcome (delivered, rejected, unreachable)',
    ['outcome'],
  );

  readonly jobsFinished = this.counter('voxflow_jobs_finished_total', 'Jobs that ended, by final status', ['status']);

  constructor() {
    super('worker');
  }

  /**
   * The worker's only HTTP surface: /metrics for Prometheus, /health (the process answers) and
   * /health/ready (the Temporal worker is running, or why not) for orchestrator probes.
   */
  serve(port: number, readiness: () => { ready: boolean; reason?: string }, host: string): Promise<Server> {
    const server = createServer((req, res) => {
      if (req.url === '/health')
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      if (req.url === '/health/ready') {
        const { ready, reason } = readiness();
        return void res
          .writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: ready ? 'ok' : 'error', worker: ready ? 'running' : 'not running', reason }));
      }
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      this.registry
        .metrics()
        .then((body) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(body))
        .catch(() => res.writeHead(500).end());
    });
    return new Promise((resolvePromise, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolvePromise(server));
    });
  }
}
