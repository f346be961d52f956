import { MetricRegistry } from './metric-registry';

/** The API's Prometheus metrics (scraped at GET /metrics). */
export class ApiMetrics extends MetricRegistry {
  readonly httpDuration = this.histogram(
    'voxflow_http_request_duration_seconds',
    'HTTP request latency by route and status',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ['method', 'route', 'status'],
  );

  readonly jobsSubmitted = this.counter('voxflow_jobs_submitted_total', 'Jobs accepted (202) by source kind', [
    'source',
  ]);

  /** Refreshed from MongoDB when scraped (see MetricsService). */
  readonly jobsByStatus = this.gauge('voxflow_jobs', 'Jobs by status (all tenants)', ['status']);

  /** Refreshed from Temporal's DescribeTaskQueue when scraped: work waiting for a worker. */
  readonly taskQueueBacklog = this.gauge(
    'voxflow_task_queue_backlog',
    'Approximate tasks waiting on the task queue, by task type (workflow or activity)',
    ['task_queue', 'type'],
  );

  readonly taskQueueBacklogAge = this.gauge(
    'voxflow_task_queue_backlog_age_seconds',
    'Age of the oldest task waiting on the task queue, by task type',
    ['task_queue', 'type'],
  );

  readonly liveSessions = this.gauge('voxflow_live_sessions', 'Open live-caption connections by role', ['role']);

  /** Set once from LIVE_MAX_SPEAKERS_PER_INSTANCE (0: no limit), so an alert can compare sessions with it. */
  readonly liveSpeakerLimit = this.gauge(
    'voxflow_live_speaker_limit',
    'Live sessions one instance relays at most (LIVE_MAX_SPEAKERS_PER_INSTANCE; 0 means no limit)',
  );

  readonly authFailures = this.counter(
    'voxflow_auth_failures_total',
    'Refused credentials (missing, unknown, revoked, expired or invalid keys and tokens) by surface (http or live)',
    ['surface'],
  );

  readonly liveSpeakersRefused = this.counter(
    'voxflow_live_speakers_refused_total',
    'Speaker connections refused because the instance relays LIVE_MAX_SPEAKERS_PER_INSTANCE sessions',
  );

  readonly liveRelaySeconds = this.histogram(
    'voxflow_live_relay_seconds',
    'Time from a provider result arriving to its captions being sent to the speaker and viewers',
    [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
  );

  readonly liveUpstreamErrors = this.counter(
    'voxflow_live_upstream_errors_total',
    'Live provider connections that failed or dropped, by close code',
    ['code'],
  );

  constructor() {
    super('api');
  }
}
