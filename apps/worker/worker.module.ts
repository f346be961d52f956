import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, type AppConfig } from '../../libs/config';
import { DatabaseModule } from '../../libs/db/database.module';
import { TemporalWorkerService } from './temporal-worker.service';

@Module({})
export class WorkerModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule],
      providers: [TemporalWorkerService],
    };
  }
}
