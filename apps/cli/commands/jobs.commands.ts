import { setTimeout as sleep } from 'node:timers/promises';
import { writeFile } from 'node:fs/promises';
import type { ApiClient } from '../api-client';
import { ProgressBar, type ProgressView } from '../progress-bar';

export interface JobView extends ProgressView {
  id: string;
  error?: { code: string; message: string };
  detected_language: string | null;
  duration_s: number | null;
  translate_to: string[];
  timings: Record<string, number>;
  links: { self: string; transcript: string };
}

const TERMINAL = ['completed', 'failed', 'cancelled'];

export function describeJob(job: JobView): string {
  const lines = [
    `job       ${job.id}`,
    `status    ${job.status} (${job.stage}, ${job.progress.percent}%)`,
    ...(job.error ? [`error     ${job.error.code}: ${job.error.message}`] : []),
    ...(job.duration_s !== null
      ? [`audio     ${job.duration_s.toFixed(1)} s, language ${job.detected_language ?? '?'}`]
      : []),
    ...(job.translate_to.length ? [`translate ${job.translate_to.join(', ')}`] : []),
    ...(job.timings.total !== undefined ? [`took      ${(job.timings.total / 1000).toFixed(1)} s`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** Polls until the job ends, drawing progress; resolves with the final job. */
export async function waitForJob(api: ApiClient, jobId: string, intervalMs = 1_000): Promise<JobView> {
  const bar = new ProgressBar();
  for (;;) {
    const job = await api.json<JobView>(`/v1/jobs/${jobId}`);
    bar.update(job);
    if (TERMINAL.includes(job.status)) {
      bar.done();
      return job;
    }
    await sleep(intervalMs);
  }
}

export async function statusCommand(api: ApiClient, jobId: string, json: boolean): Promise<number> {
  const job = await api.json<JobView>(`/v1/jobs/${encodeURIComponent(jobId)}`);
  process.stdout.write(json ? `${JSON.stringify(job, null, 2)}\n` : describeJob(job));
  return 0;
}

export async function listCommand(
  api: ApiClient,
  options: { status?: string; limit?: string; json: boolean },
): Promise<number> {
  const query = new URLSearchParams();
  if (options.status) query.set('status', options.status);
  if (options.limit) query.set('limit', options.limit);
  const page = await api.json<{ data: JobView[]; next_cursor: string | null }>(`/v1/jobs?${query.toString()}`);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
    return 0;
  }
  for (const job of page.data) {
    process.stdout.write(
      `${job.id}  ${job.status.padEnd(10)} ${String(job.progress.percent).padStart(3)}%  ${job.stage}\n`,
    );
  }
  if (page.next_cursor) process.stdout.write(`… more (cursor ${page.next_cursor})\n`);
  return 0;
}

export async function transcriptCommand(
  api: ApiClient,
  jobId: string,
  options: { format: string; lang?: string; output?: string },
): Promise<number> {
  const query = new URLSearchParams({ format: options.format });
  if (options.lang) query.set('lang', options.lang);
  const text = await (await api.raw(`/v1/jobs/${encodeURIComponent(jobId)}/transcript?${query.toString()}`)).text();
  if (options.output) await writeFile(options.output, text);
  else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}

export async function cancelCommand(api: ApiClient, jobId: string): Promise<number> {
  const job = await api.json<JobView>(`/v1/jobs/${encodeURIComponent(jobId)}/cancel`, { method: 'POST' });
  process.stdout.write(`cancellation requested for ${job.id} (now ${job.status})\n`);
  return 0;
}
