import { Injectable } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '../../../libs/config';
import type { JobDocument } from '../../../libs/db/job.schema';
import type { WebhookAttemptDocument } from '../../../libs/db/webhook-delivery.schema';
import { jobLinks } from '../../../libs/jobs/job-links';
import { jobSummary, type JobSummary } from '../../../libs/jobs/job-summary';

export type JobView = JobSummary & {
  webhook?: {
    url: string;
    deliveries: {
      event: string;
      attempt: number;
      status_code: number | null;
      latency_ms: number;
      error: string | null;
      delivered: boolean;
      at: string;
    }[];
  };
};

/** The job as clients see it: the shared summary, plus its webhook deliveries. */
@Injectable()
export class JobPresenter {
  constructor(@InjectConfig() private readonly config: AppConfig) {}

  summary(job: JobDocument): JobSummary {
    return jobSummary(job, jobLinks(this.config, job._id));
  }

  detail(job: JobDocument, attempts: WebhookAttemptDocument[]): JobView {
    return {
      ...this.summary(job),
      ...(job.webhookUrl
        ? {
            webhook: {
              url: job.webhookUrl,
              deliveries: attempts.map((a) => ({
                event: a.type,
                attempt: a.attempt,
                status_code: a.statusCode ?? null,
                latency_ms: a.latencyMs,
                error: a.error ?? null,
                delivered: a.delivered,
                at: a.at.toISOString(),
              })),
            },
          }
        : {}),
    };
  }

  accepted(job: Pick<JobDocument, '_id' | 'status' | 'createdAt'>) {
    const links = jobLinks(this.config, job._id);
    return { id: job._id, status: job.status, created_at: job.createdAt.toISOString(), links };
  }
}
