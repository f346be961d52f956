import type { AppConfig } from '../config';

export interface JobLinks {
  self: string;
  transcript: string;
}

/**
 * Where a tenant reads a job. Operators' internal addresses (the Temporal UI) are never sent to tenants: an
 * operator finds the workflow by the job id (docs/operations.md).
 */
export function jobLinks(config: Pick<AppConfig, 'http'>, jobId: string): JobLinks {
  const id = encodeURIComponent(jobId);
  return {
    self: `${config.http.publicBaseUrl}/v1/jobs/${id}`,
    transcript: `${config.http.publicBaseUrl}/v1/jobs/${id}/transcript`,
  };
}
