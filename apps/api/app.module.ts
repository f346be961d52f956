import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule, type AppConfig } from '../../libs/config';
import { DatabaseModule } from '../../libs/db/database.module';
import { RepositoriesModule } from '../../libs/db/repositories.module';
import { AuthModule } from './auth/auth.module';
import { CaptionsModule } from './captions/captions.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { CoreModule } from './core.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { MetricsModule } from './metrics/metrics.module';
import { RedisModule } from './redis/redis.module';
import { TemporalClientModule } from './temporal/temporal-client.module';
import { TranslationsModule } from './translations/translations.module';
import { UsageModule } from './usage/usage.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        RepositoriesModule,
        RedisModule,
        TemporalClientModule,
        CoreModule,
        AuthModule,
        HealthModule,
        MetricsModule,
        JobsModule,
        TranslationsModule,
        UsageModule,
        WebhooksModule,
        CaptionsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
    };
  }
}
