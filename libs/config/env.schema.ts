import { z } from 'zod';
import { TASK_QUEUES } from '../contracts/temporal';
import { PATH_MEDIA_TOOLS } from '../media/media-tools';

/** Splits a comma-separated variable into trimmed, non-empty items. */
const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const cidr = z.union([z.cidrv4(), z.cidrv6()], {
  error: (issue) => `"${String(issue.input)}" is not a CIDR block such as 127.0.0.1/32`,
});

const optionalSecret = z.string().min(1).optional();
const optionalUrl = z.url({ protocol: /^https?$/ }).optional();

/**
 * Every environment variable Voxflow reads. Api and worker parse it once at start-up
 * (see load-config.ts); nothing else reads process.env.
 */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    MONGODB_URI: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
      .default('mongodb://127.0.0.1:27017/voxflow'),
    TEMPORAL_ADDRESS: z
      .string()
      .regex(/^[\w.-]+:\d+$/, 'must be host:port')
      .default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    /** Lets several deployments (or test runs) share one Temporal namespace without sharing work. */
    TEMPORAL_TASK_QUEUE: z.string().min(1).default(TASK_QUEUES.jobs),
    /** Temporal Cloud API key (sent as a bearer token; implies TLS). */
    TEMPORAL_API_KEY: optionalSecret,
    /** mTLS client certificate and key (PEM file paths), for Temporal Cloud or a self-hosted cluster. */
    TEMPORAL_TLS_CERT: z.string().min(1).optional(),
    TEMPORAL_TLS_KEY: z.string().min(1).optional(),
    /** CA bundle (PEM path) for a self-hosted cluster with a private CA. */
    TEMPORAL_TLS_CA: z.string().min(1).optional(),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    OPENAI_API_KEY: optionalSecret,
    OPENAI_BASE_URL: optionalUrl,
    DEEPGRAM_API_KEY: optionalSecret,
    DEEPGRAM_BASE_URL: optionalUrl,
    DEEPSEEK_API_KEY: optionalSecret,
    DEEPSEEK_BASE_URL: optionalUrl,
    /** A provider request without an answer after this long is abandoned and retried (translation: at most 120 s). */
    PROVIDER_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(600),
    STORAGE_DIR: z.string().min(1).default('.data/storage'),
    /** The media tools the worker runs (a name on PATH or a path); `npm run infra:install` builds lean ones. */
    FFMPEG_PATH: z.string().min(1).default(PATH_MEDIA_TOOLS.ffmpeg),
    FFPROBE_PATH: z.string().min(1).default(PATH_MEDIA_TOOLS.ffprobe),
    MAX_UPLOAD_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(2 * 1024 ** 3),
    /** An upload that sends no data for this long is cut off (slow-client protection). */
    UPLOAD_IDLE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
    VOXFLOW_DEV_API_KEY: z
      .string()
      .regex(/^vfk_[A-Za-z0-9_-]{32,}$/, 'must look like vfk_ followed by at least 32 characters')
      .optional(),
    OUTBOUND_ALLOW_CIDRS: commaList.pipe(z.array(cidr)),
    AUTH_JWKS_URL: optionalUrl,
    AUTH_ISSUER: z.string().min(1).optional(),
    AUTH_AUDIENCE: z.string().min(1).optional(),
    /** The JWT claim naming the Voxflow tenant (Auth0 wants a namespaced one, e.g. https://voxflow.example/tenant). */
    AUTH_TENANT_CLAIM: z.string().min(1).default('tenant'),
    /**
     * The tenant (id or name) of JWTs without that claim: one tenant for a single-tenant install. Unset: the claim
     * is required.
     */
    AUTH_DEFAULT_TENANT: z.string().min(1).optional(),
    /** The JWT claim holding its Voxflow scopes: a space-separated string (`scope`) or a list (`permissions`). */
    AUTH_SCOPES_CLAIM: z.string().min(1).default('scope'),
    CORS_ORIGINS: commaList,
    /** The worker serves Prometheus metrics on this port (0 turns it off). */
    WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
    /** Where the worker's metrics and health port listens: loopback unless a scraper or probe must reach it. */
    WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    /**
     * On SIGTERM the worker stops polling and lets running activities finish for this long before cancelling
     * them (they are then retried elsewhere). Orchestrators must wait longer than this before SIGKILL.
     */
    WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
    /**
     * Workflows a worker keeps in memory between their tasks (tens of KB each); one that is evicted is replayed
     * from its history at its next task. Set explicitly because the SDK's default follows the heap limit, which
     * Node derives from the container's memory limit (189 in a 1 GiB container).
     */
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).default(1000),
    /** Activities a worker runs at once. Chunk transcriptions are I/O-bound waits on providers, so many. */
    WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().positive().default(64),
    /** Jobs a tenant may have queued or running at once (a tenant's own override wins; see `voxflow quotas`). */
    TENANT_MAX_JOBS_IN_FLIGHT: z.coerce.number().int().positive().default(1000),
    /** Hours of audio a tenant may submit per UTC day; 0: no limit. */
    TENANT_MAX_AUDIO_HOURS_PER_DAY: z.coerce.number().min(0).default(0),
    /** Live-caption sessions a tenant may run at once. */
    TENANT_MAX_LIVE_SESSIONS: z.coerce.number().int().positive().default(50),
    /** Requests per minute per API key (Redis-backed when REDIS_URL is set). */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
    /** A job's source media is deleted this long after it ends. */
    MEDIA_RETENTION_HOURS: z.coerce.number().int().positive().default(72),
    /** Transcripts (and translations) are deleted this many days after a job ends; 0 keeps them. */
    TRANSCRIPT_RETENTION_DAYS: z.coerce.number().int().min(0).default(0),
    /**
     * Per-chunk transcription records (every word again, chunk by chunk) are kept this long after a job ends;
     * 0 removes them as the job ends, once the merged transcript and the usage are stored.
     */
    CHUNK_RETENTION_HOURS: z.coerce.number().int().min(0).default(0),
    /**
     * Webhook bodies and delivery records are deleted this many days after they were sent (deliveries retry for
     * more than a day, hence the floor).
     */
    WEBHOOK_RETENTION_DAYS: z.coerce.number().int().min(2).default(30),
    /** Job records, and everything left of them, are deleted this many days after a job ends; 0 keeps them. */
    JOB_RETENTION_DAYS: z.coerce.number().int().min(0).default(0),
    /** Live sessions' final lines are deleted this many days after the session; 0 keeps them. */
    LIVE_TRANSCRIPT_RETENTION_DAYS: z.coerce.number().int().min(0).default(0),
    /** How often the retention schedule runs; 0: this worker creates no schedule. */
    RETENTION_SWEEP_INTERVAL_MINUTES: z.coerce.number().int().min(0).default(60),
    /** A live-caption session ends after this long. */
    LIVE_MAX_SESSION_MINUTES: z.coerce.number().int().positive().default(120),
    /** A live-caption session with no audio for this long ends. */
    LIVE_IDLE_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(30),
    /** Speakers one API instance relays at most; more are refused with `server_busy`. 0: no limit. */
    LIVE_MAX_SPEAKERS_PER_INSTANCE: z.coerce.number().int().min(0).default(500),
    /** Base of the links in API answers and webhooks (default http://127.0.0.1:PORT). */
    PUBLIC_BASE_URL: optionalUrl,
    /** OTLP/HTTP collector base URL (e.g. http://otel-collector:4318): traces API → workflow → activities. Unset: off. */
    OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.TEMPORAL_TLS_CERT) !== Boolean(env.TEMPORAL_TLS_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: ['TEMPORAL_TLS_CERT'],
        message: 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together',
      });
    }
    const jwt = [env.AUTH_JWKS_URL, env.AUTH_ISSUER, env.AUTH_AUDIENCE];
    const set = jwt.filter((value) => value !== undefined).length;
    if (set !== 0 && set !== jwt.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_JWKS_URL'],
        message: 'AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE must be set together',
      });
    }
  });

export type Env = z.output<typeof envSchema>;

/** Names of every variable in the schema, for documentation and deployment checks. */
export const ENV_NAMES = Object.keys(envSchema.shape) as (keyof Env)[];
