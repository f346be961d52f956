import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../libs/config';
import { TranscriptsRepository } from '../../libs/db/transcripts.repository';
import { ApiMetrics } from '../../libs/metrics/api-metrics';
import { OutboundPolicy } from '../../libs/net/outbound-policy';
import { ProviderRegistry } from '../../libs/providers/provider-registry';
import { LocalStorage } from '../../libs/storage/local-storage';
import { TranscriptStore } from '../../libs/transcripts/transcript-store';

/** Services every API module uses: storage, the outbound policy, providers, transcripts, metrics. */
@Global()
@Module({
  providers: [
    {
      provide: LocalStorage,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new LocalStorage(config.storage.dir),
    },
    {
      provide: OutboundPolicy,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new OutboundPolicy(config.outbound.allowCidrs),
    },
    {
      provide: ProviderRegistry,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new ProviderRegistry(config.providers),
    },
    {
      provide: TranscriptStore,
      inject: [TranscriptsRepository, LocalStorage],
      useFactory: (transcripts: TranscriptsRepository, storage: LocalStorage) =>
        new TranscriptStore(transcripts, storage),
    },
    { provide: ApiMetrics, useValue: new ApiMetrics() },
  ],
  exports: [LocalStorage, OutboundPolicy, ProviderRegistry, TranscriptStore, ApiMetrics],
})
export class CoreModule {}
