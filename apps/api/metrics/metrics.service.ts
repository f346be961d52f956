import { Inject, Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection as TemporalConnection } from '@temporalio/client';
import type { Connection } from 'mongoose';
import { InjectConfig, type AppConfig } from '../../../libs/config';
import { JOB_STATUSES } from '../../../libs/contracts/job';
import { ApiMetrics } from '../../../libs/metrics/api-metrics';
import { TEMPORAL_PROBE_CONNECTION } from '../../../libs/temporal/temporal-client.module';
import { refreshTaskQueueBacklog } from './task-queue-backlog';

const REFRESH_TTL_MS = 10_000;

/**
 * Renders /metrics. Job counts (MongoDB) and the task-queue backlog (Temporal) are refreshed at most every
 * 10 s, however often Prometheus scrapes.
 */
@Injectable()
export class MetricsService {
  private refreshedAt = 0;

  constructor(
    readonly metrics: ApiMetrics,
    @InjectConnection() private readonly connection: Connection,
    @Inject(TEMPORAL_PROBE_CONNECTION) private readonly temporal: TemporalConnection,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    metrics.watchStorage(config.storage.dir);
    metrics.liveSpeakerLimit.set(config.live.maxSpeakersPerInstance);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    if (Date.now() - this.refreshedAt > REFRESH_TTL_MS) {
      this.refreshedAt = Date.now();
      const { namespace, taskQueue } = this.config.temporal;
      await Promise.all([
        this.refreshJobCounts(),
        refreshTaskQueueBacklog(this.metrics, this.temporal, namespace, taskQueue),
      ]);
    }
    return { contentType: this.metrics.registry.contentType, body: await this.metrics.registry.metrics() };
  }

  private async refreshJobCounts(): Promise<void> {
    const rows = await this.connection
      .collection('jobs')
      .aggregate<{ _id: string; count: number }>([{ $group: { _id: '$status', count: { $sum: 1 } } }])
      .toArray()
      .catch(() => undefined);
    if (rows)
      for (const status of JOB_STATUSES)
        this.metrics.jobsByStatus.set({ status }, rows.find((r) => r._id === status)?.count ?? 0);
  }
}
