import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { RedisHealthIndicator } from './redis.health';
import { StorageHealthIndicator } from './storage.health';
import { TemporalHealthIndicator } from './temporal.health';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [TemporalHealthIndicator, StorageHealthIndicator, RedisHealthIndicator],
})
export class HealthModule {}
