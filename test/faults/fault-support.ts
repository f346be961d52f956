import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { JobDocument } from '../../libs/db/job.schema';
import type { PipelineHarness } from '../support/pipeline-harness';
import { speechRecording } from '../support/audio-fixtures';
import { startFileServer, type FileServer } from '../support/file-server';
import { waitUntil } from '../support/wait-until';

const run = promisify(execFile);

/**
 * `count` recordings of the same speech at slightly different volumes: every chunk of every job then has
 * its own audio fingerprint, so the simulator's counts tell which chunk was transcribed how often.
 */
async function distinctRecordings(count: number, seconds: number): Promise<string[]> {
  const speech = await speechRecording(seconds);
  const dir = mkdtempSync(join(tmpdir(), 'voxflow-faults-'));
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const out = join(dir, `take-${i}.mp3`);
      await run('ffmpeg', ['-v', 'error', '-y', '-i', speech, '-af', `volume=${(0.6 + i * 0.01).toFixed(2)}`, out]);
      return out;
    }),
  );
}

/** `count` distinct recordings served at /take-N.mp3 on 127.0.0.1. */
export async function serveRecordings(count: number, seconds: number): Promise<FileServer> {
  const recordings = await distinctRecordings(count, seconds);
  return startFileServer(Object.fromEntries(recordings.map((file, i) => [`/take-${i}.mp3`, { file }])));
}

/**
 * Hashes each chunk file the worker writes (jobs/<id>/work/chunk-NNNN.wav) while it exists, so a
 * fingerprint the simulator saw can be traced to its job and chunk after the work files are gone.
 */
export class ChunkWatcher {
  readonly chunkOf = new Map<string, { jobId: string; index: number }>();
  private readonly seen = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly storageDir: string) {
    this.timer = setInterval(() => this.scan(), 100);
  }

  private scan(): void {
    const jobsDir = join(this.storageDir, 'jobs');
    if (!existsSync(jobsDir)) return;
    for (const jobId of readdirSync(jobsDir)) {
      const work = join(jobsDir, jobId, 'work');
      if (!existsSync(work)) continue;
      for (const name of listOrNothing(work).filter((file) => /^chunk-\d+\.wav$/.test(file))) {
        const path = join(work, name);
        try {
          // A file still being written (or rewritten by a retried step) changes size or time: hash it again.
          const { size, mtimeMs } = statSync(path);
          const version = `${path}:${size}:${mtimeMs}`;
          if (this.seen.has(version)) continue;
          const fingerprint = createHash('sha256').update(readFileSync(path)).digest('hex');
          this.seen.add(version);
          this.chunkOf.set(fingerprint, { jobId, index: Number(/\d+/.exec(name)![0]) });
        } catch {
          // Removed meanwhile: the job has ended.
        }
      }
    }
  }

  /** How many distinct chunks (job, index) were seen. */
  chunksSeen(): number {
    return new Set([...this.chunkOf.values()].map((c) => `${c.jobId}:${c.index}`)).size;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export interface FaultOutcome {
  jobs: number;
  completed: number;
  failed: number;
  /** Accepted jobs that did not end completed, or failed with a code and a message. */
  lost: number;
  p50DelayS: number;
  p99DelayS: number;
  records: JobDocument[];
}

/** Waits (bounded) for every submitted job to end, then judges the batch. */
export async function settle(
  harness: PipelineHarness,
  submitted: Map<string, number>,
  timeoutMs: number,
): Promise<FaultOutcome> {
  const ended = (job: JobDocument | undefined) =>
    job && (job.status === 'completed' || job.status === 'failed' || job.status === 'cancelled');
  await waitUntil(
    `${submitted.size} jobs ended`,
    async () => {
      const records = await Promise.all([...submitted.keys()].map((id) => harness.jobs.findById(id)));
      return records.every(ended);
    },
    timeoutMs,
  ).catch(() => undefined);
  const records = (await Promise.all([...submitted.keys()].map((id) => harness.jobs.findById(id)))).filter(
    (job): job is JobDocument => job !== undefined,
  );
  const accountedFor = records.filter(
    (job) => job.status === 'completed' || (job.status === 'failed' && job.error?.code && job.error.message),
  );
  const delays = records
    .filter((job) => job.finishedAt)
    .map((job) => (job.finishedAt!.getTime() - submitted.get(job._id)!) / 1000)
    .sort((a, b) => a - b);
  return {
    jobs: submitted.size,
    completed: records.filter((job) => job.status === 'completed').length,
    failed: records.filter((job) => job.status === 'failed').length,
    lost: submitted.size - accountedFor.length,
    p50DelayS: percentile(delays, 0.5),
    p99DelayS: percentile(delays, 0.99),
    records,
  };
}

/**
 * Chunks transcribed again after their result was stored: a provider answer for a fingerprint that came
 * later than the stored chunk record of that fingerprint's job and index.
 */
export async function chunkDuplicates(harness: PipelineHarness, watcher: ChunkWatcher): Promise<number> {
  let duplicates = 0;
  for (const [fingerprint, times] of Object.entries(harness.simulator.stats.answeredAt)) {
    const chunk = watcher.chunkOf.get(fingerprint);
    if (!chunk) continue;
    const stored = (await harness.chunks.listForJob(chunk.jobId)).find((c) => c.index === chunk.index);
    if (!stored) continue;
    duplicates += times.filter((at) => at > stored.createdAt.getTime()).length;
  }
  return duplicates;
}

/** A folder's entries, or none when it is removed meanwhile (a job ending). */
function listOrNothing(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** The scenario's one summary line, e.g. `faults: worker-kill jobs=12 kills=5 lost=0 …`. */
export function reportFaults(scenario: string, fields: Record<string, number | string>): string {
  const line = `faults: ${scenario} ${Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(1) : value}`)
    .join(' ')}`;
  process.stdout.write(`\n${line}\n`);
  return line;
}
