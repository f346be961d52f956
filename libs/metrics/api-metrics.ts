import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The API's Prometheus metrics (scraped at GET /metrics). */
export class ApiMetrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'voxflow_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly jobsSubmitted = new Counter({
    name: 'voxflow_jobs_submitted_total',
    help: 'Jobs accepted (202) by source kind',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  /** Refreshed from MongoDB when scraped (see MetricsService). */
  readonly jobsByStatus = new Gauge({
    name: 'voxflow_jobs',
    help: 'Jobs by status (all tenants)',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  /** Refreshed from Temporal's DescribeTaskQueue when scraped: work waiting for a worker. */
  readonly taskQueueBacklog = new Gauge({
    name: 'voxflow_task_queue_backlog',
    help: 'Approximate tasks waiting on the task queue, by task type (workflow or activity)',
    labelNames: ['task_queue', 'type'] as const,
    registers: [this.registry],
  });

  readonly taskQueueBacklogAge = new Gauge({
    name: 'voxflow_task_queue_backlog_age_seconds',
    help: 'Age of the oldest task waiting on the task queue, by task type',
    labelNames: ['task_queue', 'type'] as const,
    registers: [this.registry],
  });

  readonly liveSessions = new Gauge({
    name: 'voxflow_live_sessions',
    help: 'Open live-caption connections by role',
    labelNames: ['role'] as const,
    registers: [this.registry],
  });

  readonly liveSpeakersRefused = new Counter({
    name: 'voxflow_live_speakers_refused_total',
    help: 'Speaker connections refused because the instance relays LIVE_MAX_SPEAKERS_PER_INSTANCE sessions',
    registers: [this.registry],
  });

  readonly liveRelaySeconds = new Histogram({
    name: 'voxflow_live_relay_seconds',
    help: 'Time from a provider result arriving to its captions being sent to the speaker and viewers',
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [this.registry],
  });

  readonly liveUpstreamErrors = new Counter({
    name: 'voxflow_live_upstream_errors_total',
    help: 'Live provider connections that failed or dropped, by close code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  constructor() {
    this.registry.setDefaultLabels({ service: 'api' });
    collectDefaultMetrics({ register: this.registry });
  }
}
