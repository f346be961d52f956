import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { AppConfig } from '../../libs/config';
import { CoreModule } from '../../libs/core/core.module';
import { AuthModule } from './auth/auth.module';
import { CaptionsModule } from './captions/captions.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { KeysModule } from './keys/keys.module';
import { MetricsModule } from './metrics/metrics.module';
import { RedisModule } from './redis/redis.module';
import { TranslationsModule } from './translations/translations.module';
import { UsageModule } from './usage/usage.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.register(config, 'voxflow-api'),
        RedisModule,
        AuthModule,
        HealthModule,
        MetricsModule,
        JobsModule,
        KeysModule,
        TranslationsModule,
        UsageModule,
        WebhooksModule,
        CaptionsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
    };
  }
}
