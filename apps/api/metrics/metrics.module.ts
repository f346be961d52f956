import { Global, Module } from '@nestjs/common';
import { ApiMetrics } from '../../../libs/metrics/api-metrics';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** The API's Prometheus metrics: every module records into the one ApiMetrics; /metrics serves them. */
@Global()
@Module({ controllers: [MetricsController], providers: [ApiMetrics, MetricsService], exports: [ApiMetrics] })
export class MetricsModule {}
