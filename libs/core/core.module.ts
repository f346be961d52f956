import { Module, type DynamicModule } from '@nestjs/common';
import { ApiKeysService } from '../auth/api-keys.service';
import { APP_CONFIG, ConfigModule, type AppConfig } from '../config';
import { DatabaseModule } from '../db/database.module';
import { RepositoriesModule } from '../db/repositories.module';
import { TranscriptsRepository } from '../db/transcripts.repository';
import { JobsService } from '../jobs/jobs.service';
import { TenantQuotas } from '../tenants/tenant-quotas';
import { LiveSessionsService } from '../live/live-sessions.service';
import { GuardedHttpClient } from '../net/guarded-http';
import { OutboundPolicy } from '../net/outbound-policy';
import { ProviderRegistry } from '../providers/provider-registry';
import { LocalStorage } from '../storage/local-storage';
import { TemporalClientModule } from '../temporal/temporal-client.module';
import { TranscriptStore } from '../transcripts/transcript-store';

const SERVICES = [
  LocalStorage,
  OutboundPolicy,
  GuardedHttpClient,
  ProviderRegistry,
  TranscriptStore,
  JobsService,
  TenantQuotas,
  LiveSessionsService,
  ApiKeysService,
];

/**
 * What the API and the worker build the same way, once per process: config, the database connection and every
 * repository, the Temporal client and tracing (named for `serviceName`), storage, outbound fetches, providers
 * and the domain services.
 */
@Module({})
export class CoreModule {
  static register(config: AppConfig, serviceName: string): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        RepositoriesModule,
        TemporalClientModule.register(serviceName),
      ],
      providers: [
        { provide: LocalStorage, inject: [APP_CONFIG], useFactory: (c: AppConfig) => new LocalStorage(c.storage.dir) },
        {
          provide: OutboundPolicy,
          inject: [APP_CONFIG],
          useFactory: (c: AppConfig) => new OutboundPolicy(c.outbound.allowCidrs),
        },
        {
          provide: GuardedHttpClient,
          inject: [OutboundPolicy],
          useFactory: (policy: OutboundPolicy) => new GuardedHttpClient(policy),
        },
        {
          provide: ProviderRegistry,
          inject: [APP_CONFIG],
          useFactory: (c: AppConfig) => new ProviderRegistry(c.providers),
        },
        {
          provide: TranscriptStore,
          inject: [TranscriptsRepository, LocalStorage],
          useFactory: (transcripts: TranscriptsRepository, storage: LocalStorage) =>
            new TranscriptStore(transcripts, storage),
        },
        JobsService,
        TenantQuotas,
        LiveSessionsService,
        ApiKeysService,
      ],
      exports: SERVICES,
    };
  }
}
