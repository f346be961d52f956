import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyResolver } from './api-key.resolver';
import { DevKeySeeder } from './dev-key.seeder';

/**
 * Every route needs an API key holding the route's scope unless marked @Public(); keys are rate limited per key,
 * and managed by their tenant's admin keys (/v1/keys).
 */
@Module({
  providers: [ApiKeyResolver, RateLimiter, DevKeySeeder, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [RateLimiter, ApiKeyResolver],
})
export class AuthModule {}
