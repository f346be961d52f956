import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../libs/config';
import { CoreModule } from '../../libs/core/core.module';
import { WorkerMetrics } from '../../libs/metrics/worker-metrics';
import { WorkerActivityDeps } from './activity-deps.provider';
import { TemporalWorkerService } from './temporal-worker.service';

@Module({})
export class WorkerModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.register(config, 'voxflow-worker')],
      providers: [WorkerMetrics, WorkerActivityDeps, TemporalWorkerService],
      exports: [WorkerActivityDeps],
    };
  }
}
