import type { AppConfig } from '../config';

export interface JobLinks {
  self: string;
  transcript: string;
  temporal_ui: string;
}

/** Where a job can be read (API) and inspected (Temporal UI: workflow id = job id). */
export function jobLinks(config: Pick<AppConfig, 'http' | 'temporal'>, jobId: string): JobLinks {
  const id = encodeURIComponent(jobId);
  return {
    self: `${config.http.publicBaseUrl}/v1/jobs/${id}`,
    transcript: `${config.http.publicBaseUrl}/v1/jobs/${id}/transcript`,
    temporal_ui: `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows/${id}`,
  };
}
