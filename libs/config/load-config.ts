import { resolve } from 'node:path';
import type { MediaTools } from '../media/media-tools';
import { envSchema, type Env } from './env.schema';

export interface ProviderCredentials {
  apiKey?: string;
  /** Undefined means the SDK's default endpoint. */
  baseUrl?: string;
}

/** A tenant's limits: jobs queued or running at once, audio hours per UTC day (0: none), live sessions at once. */
export interface TenantQuotaLimits {
  jobsInFlight: number;
  audioHoursPerDay: number;
  liveSessions: number;
}

export interface AppConfig {
  env: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  http: { port: number; corsOrigins: string[]; publicBaseUrl: string; rateLimitPerMinute: number };
  mongodb: { uri: string };
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    apiKey?: string;
    /** PEM file paths; read when connecting (see libs/temporal/connection-options.ts). */
    tls?: { certPath?: string; keyPath?: string; caPath?: string };
  };
  redis: { url?: string };
  providers: {
    openai: ProviderCredentials;
    deepgram: ProviderCredentials;
    deepseek: ProviderCredentials;
    /** How long one provider request may take. */
    timeoutMs: number;
  };
  retention: {
    mediaHours: number;
    transcriptDays: number;
    chunkHours: number;
    webhookDays: number;
    jobDays: number;
    liveTranscriptDays: number;
    sweepIntervalMinutes: number;
  };
  worker: {
    metricsPort: number;
    metricsHost: string;
    shutdownGraceSeconds: number;
    maxCachedWorkflows: number;
    maxConcurrentActivities: number;
  };
  live: { maxSessionMinutes: number; idleTimeoutSeconds: number; maxSpeakersPerInstance: number };
  /** Every tenant's limits unless its own override says otherwise (0 audio hours: no limit). */
  quotas: TenantQuotaLimits;
  /** Absolute path where media, chunks and large transcripts are kept. */
  storage: { dir: string; maxUploadBytes: number; uploadIdleTimeoutMs: number };
  media: MediaTools;
  /** Seeds an API key for local development; ignored in production. */
  devApiKey?: string;
  /** Private ranges that server-side fetches may reach anyway (empty: none). */
  outbound: { allowCidrs: string[] };
  jwt?: {
    jwksUrl: string;
    issuer: string;
    audience: string;
    tenantClaim: string;
    defaultTenant?: string;
    scopesClaim: string;
  };
  /** Tracing export; undefined: tracing off. */
  otlpEndpoint?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once. Throws a ConfigError whose message names every bad variable,
 * so start-up stops with something a person can act on.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  // An empty value means unset: compose files and Kubernetes manifests pass `NAME=` for optional settings.
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== '')),
  );
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        const raw = source[name];
        const shown = raw === undefined ? '' : ` (got ${JSON.stringify(redact(name, raw))})`;
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  const env = parsed.data;
  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, ''),
    http: {
      port: env.PORT,
      corsOrigins: env.CORS_ORIGINS,
      publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${env.PORT}`).replace(/\/+$/, ''),
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    },
    quotas: {
      jobsInFlight: env.TENANT_MAX_JOBS_IN_FLIGHT,
      audioHoursPerDay: env.TENANT_MAX_AUDIO_HOURS_PER_DAY,
      liveSessions: env.TENANT_MAX_LIVE_SESSIONS,
    },
    retention: {
      mediaHours: env.MEDIA_RETENTION_HOURS,
      transcriptDays: env.TRANSCRIPT_RETENTION_DAYS,
      chunkHours: env.CHUNK_RETENTION_HOURS,
      webhookDays: env.WEBHOOK_RETENTION_DAYS,
      jobDays: env.JOB_RETENTION_DAYS,
      liveTranscriptDays: env.LIVE_TRANSCRIPT_RETENTION_DAYS,
      sweepIntervalMinutes: env.RETENTION_SWEEP_INTERVAL_MINUTES,
    },
    worker: {
      metricsPort: env.WORKER_METRICS_PORT,
      metricsHost: env.WORKER_METRICS_HOST,
      shutdownGraceSeconds: env.WORKER_SHUTDOWN_GRACE_SECONDS,
      maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentActivities: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
    },
    live: {
      maxSessionMinutes: env.LIVE_MAX_SESSION_MINUTES,
      idleTimeoutSeconds: env.LIVE_IDLE_TIMEOUT_SECONDS,
      maxSpeakersPerInstance: env.LIVE_MAX_SPEAKERS_PER_INSTANCE,
    },
    mongodb: { uri: env.MONGODB_URI },
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      apiKey: env.TEMPORAL_API_KEY,
      tls:
        env.TEMPORAL_TLS_CERT || env.TEMPORAL_TLS_CA
          ? { certPath: env.TEMPORAL_TLS_CERT, keyPath: env.TEMPORAL_TLS_KEY, caPath: env.TEMPORAL_TLS_CA }
          : undefined,
    },
    redis: { url: env.REDIS_URL },
    providers: {
      openai: { apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL },
      deepgram: { apiKey: env.DEEPGRAM_API_KEY, baseUrl: env.DEEPGRAM_BASE_URL },
      deepseek: { apiKey: env.DEEPSEEK_API_KEY, baseUrl: env.DEEPSEEK_BASE_URL },
      timeoutMs: env.PROVIDER_TIMEOUT_SECONDS * 1000,
    },
    storage: {
      dir: resolve(env.STORAGE_DIR),
      maxUploadBytes: env.MAX_UPLOAD_BYTES,
      uploadIdleTimeoutMs: env.UPLOAD_IDLE_TIMEOUT_SECONDS * 1000,
    },
    media: { ffmpeg: env.FFMPEG_PATH, ffprobe: env.FFPROBE_PATH },
    devApiKey: env.NODE_ENV === 'production' ? undefined : env.VOXFLOW_DEV_API_KEY,
    outbound: { allowCidrs: env.OUTBOUND_ALLOW_CIDRS },
    jwt:
      env.AUTH_JWKS_URL && env.AUTH_ISSUER && env.AUTH_AUDIENCE
        ? {
            jwksUrl: env.AUTH_JWKS_URL,
            issuer: env.AUTH_ISSUER,
            audience: env.AUTH_AUDIENCE,
            tenantClaim: env.AUTH_TENANT_CLAIM,
            defaultTenant: env.AUTH_DEFAULT_TENANT,
            scopesClaim: env.AUTH_SCOPES_CLAIM,
          }
        : undefined,
  };
}

/** Keeps secrets (keys, passwords inside URIs) out of error messages and logs. */
function redact(name: string, value: string): string {
  if (/KEY|SECRET|TOKEN|PASSWORD/.test(name)) return `${value.slice(0, 4)}…`;
  return value.replace(/\/\/[^/@\s]*@/, '//***@');
}
