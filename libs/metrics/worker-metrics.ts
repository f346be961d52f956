import { createServer, type Server } from 'node:http';
import { buildInfo } from '../config/build-info';
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

  /** End to end, as the client sees it: from the job's creation (the 202) to its final record. */
  readonly jobDuration = this.histogram(
    'voxflow_job_duration_seconds',
    'Time from submission to the final status, by status and length of the audio (audio_minutes: 0-1, 1-10, 10-60, 60+ or unknown)',
    [1, 2.5, 5, 10, 30, 60, 120, 180, 300, 600, 900, 1800, 3600, 7200],
    ['status', 'audio_minutes'],
  );

  constructor() {
    super('worker');
  }

  /**
   * The worker's only HTTP surface, for operators and orchestrators, never tenants: /metrics for Prometheus,
   * /health (the process answers, and its release), /health/ready (the Temporal worker is running, or why not)
   * and /summary (the operations summary across tenants).
   */
  serve(port: number, host: string, routes: WorkerRoutes): Promise<Server> {
    const server = createServer((req, res) => {
      this.answer(req.url, routes).then(
        ({ status, type = 'application/json', body }) => res.writeHead(status, { 'content-type': type }).end(body),
        () => res.writeHead(500).end(),
      );
    });
    return new Promise((resolvePromise, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolvePromise(server));
    });
  }

  private async answer(
    url: string | undefined,
    routes: WorkerRoutes,
  ): Promise<{ status: number; type?: string; body: string }> {
    switch (url) {
      case '/health':
        return { status: 200, body: JSON.stringify({ status: 'ok', ...buildInfo('voxflow-worker') }) };
      case '/health/ready': {
        const { ready, reason } = routes.readiness();
        const body = { status: ready ? 'ok' : 'error', worker: ready ? 'running' : 'not running', reason };
        return { status: ready ? 200 : 503, body: JSON.stringify(body) };
      }
      case '/summary':
        return { status: 200, body: JSON.stringify(await routes.summary()) };
      case '/metrics':
        return { status: 200, type: this.registry.contentType, body: await this.registry.metrics() };
      default:
        return { status: 404, body: '' };
    }
  }
}

export interface WorkerRoutes {
  readiness: () => { ready: boolean; reason?: string };
  summary: () => Promise<unknown>;
}

/** The audio-length bucket of voxflow_job_duration_seconds: end-to-end targets are per length of audio. */
export function audioMinutesBucket(audioSeconds: number | undefined): string {
  if (!audioSeconds || audioSeconds <= 0) return 'unknown';
  const minutes = audioSeconds / 60;
  return minutes < 1 ? '0-1' : minutes < 10 ? '1-10' : minutes < 60 ? '10-60' : '60+';
}
