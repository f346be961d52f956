import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyResolver } from './api-key.resolver';
import { DevKeySeeder } from './dev-key.seeder';
import { JwtVerifier } from './jwt-verifier';

/**
 * Every route needs an API key or a sign-in JWT holding the route's scope unless marked @Public(); callers are
 * rate limited each, and keys are managed by their tenant's admin keys (/v1/keys).
 */
@Module({
  providers: [ApiKeyResolver, JwtVerifier, RateLimiter, DevKeySeeder, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [RateLimiter, ApiKeyResolver, JwtVerifier],
})
export class AuthModule {}
