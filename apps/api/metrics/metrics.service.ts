import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { JOB_STATUSES } from '../../../libs/contracts/job';
import { ApiMetrics } from '../../../libs/metrics/api-metrics';

const JOB_COUNTS_TTL_MS = 10_000;

/** Renders /metrics; job counts come from MongoDB at most every 10 s, however often Prometheus scrapes. */
@Injectable()
export class MetricsService {
  private countedAt = 0;

  constructor(
    readonly metrics: ApiMetrics,
    @InjectConnection() private readonly connection: Connection,
  ) {}

  async render(): Promise<{ contentType: string; body: string }> {
    if (Date.now() - this.countedAt > JOB_COUNTS_TTL_MS) {
      this.countedAt = Date.now();
      const rows = await this.connection
        .collection('jobs')
        .aggregate<{ _id: string; count: number }>([{ $group: { _id: '$status', count: { $sum: 1 } } }])
        .toArray()
        .catch(() => undefined);
      if (rows)
        for (const status of JOB_STATUSES)
          this.metrics.jobsByStatus.set({ status }, rows.find((r) => r._id === status)?.count ?? 0);
    }
    return { contentType: this.metrics.registry.contentType, body: await this.metrics.registry.metrics() };
  }
}
