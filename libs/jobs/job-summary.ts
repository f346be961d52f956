import type { JobDocument } from '../db/job.schema';
import type { JobLinks } from './job-links';

/** The public shape of a job (API answers, webhook payloads): snake_case, no internal fields. */
export interface JobSummary {
  id: string;
  status: JobDocument['status'];
  stage: JobDocument['stage'];
  progress: { percent: number; chunks_done: number; chunks_total: number };
  error?: { code: string; message: string };
  source: { type: 'url' | 'upload'; url?: string; filename?: string; bytes?: number };
  language: string | null;
  detected_language: string | null;
  provider: string;
  fallback_providers: string[];
  providers_used: string[];
  translate_to: string[];
  translation_provider: string;
  priority: string;
  retention: JobDocument['retention'];
  /** Set once retention, or a `retention: none` job's delivered webhook, removed the transcripts. */
  transcripts_removed_at: string | null;
  duration_s: number | null;
  timings: Record<string, number>;
  usage: { provider: string; audio_seconds: number; requests: number }[];
  metadata: Record<string, unknown>;
  simulated: boolean;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  links: JobLinks;
}

const iso = (date?: Date | string) => (date ? new Date(date).toISOString() : null);

export function jobSummary(job: JobDocument, links: JobLinks): JobSummary {
  return {
    id: job._id,
    status: job.status,
    stage: job.stage,
    progress: {
      percent: job.progress.percent,
      chunks_done: job.progress.chunksDone,
      chunks_total: job.progress.chunksTotal,
    },
    ...(job.error ? { error: { code: job.error.code, message: job.error.message } } : {}),
    source: {
      type: job.source.kind,
      ...(job.source.url ? { url: job.source.url } : {}),
      ...(job.source.filename ? { filename: job.source.filename } : {}),
      ...(job.source.bytes !== undefined ? { bytes: job.source.bytes } : {}),
    },
    language: job.language ?? null,
    detected_language: job.detectedLanguage ?? null,
    provider: job.provider,
    fallback_providers: job.fallbackProviders,
    providers_used: job.providersUsed,
    translate_to: job.translateTo,
    translation_provider: job.translationProvider,
    priority: job.priority,
    retention: job.retention ?? 'default',
    transcripts_removed_at: iso(job.transcriptsRemovedAt),
    duration_s: job.durationS ?? null,
    timings: job.timings,
    usage: job.usage.map((u) => ({ provider: u.provider, audio_seconds: u.audioSeconds, requests: u.requests })),
    metadata: job.metadata ?? {},
    simulated: job.simulated ?? false,
    created_at: iso(job.createdAt)!,
    updated_at: iso(job.updatedAt)!,
    started_at: iso(job.startedAt),
    finished_at: iso(job.finishedAt),
    links,
  };
}
