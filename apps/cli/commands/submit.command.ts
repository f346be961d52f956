import type { ApiClient } from '../api-client';
import { describeJob, waitForJob } from './jobs.commands';

export interface SubmitOptions {
  translate?: string;
  language?: string;
  provider?: string;
  fallback?: string;
  webhook?: string;
  priority?: string;
  idempotencyKey?: string;
  wait: boolean;
  json: boolean;
}

/** `voxflow submit FILE|URL`: a job, and with --wait a progress bar until it ends (exit 1 unless completed). */
export async function submitCommand(api: ApiClient, source: string, options: SubmitOptions): Promise<number> {
  const list = (value?: string) =>
    value
      ?.split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const accepted = await api.submit(
    source,
    {
      language: options.language,
      provider: options.provider,
      fallback_providers: list(options.fallback),
      translate_to: list(options.translate),
      webhook_url: options.webhook,
      priority: options.priority,
    },
    options.idempotencyKey,
  );
  if (!options.wait) {
    process.stdout.write(options.json ? `${JSON.stringify(accepted, null, 2)}\n` : `${accepted.id}\n`);
    return 0;
  }
  process.stderr.write(`submitted ${accepted.id}\n`);
  const job = await waitForJob(api, accepted.id);
  process.stdout.write(options.json ? `${JSON.stringify(job, null, 2)}\n` : describeJob(job));
  return job.status === 'completed' ? 0 : 1;
}
