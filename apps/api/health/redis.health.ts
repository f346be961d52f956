import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { REDIS } from '../redis/redis.module';

/**
 * Redis in readiness, when REDIS_URL is set. Losing it degrades an instance but does not stop it (rate limits
 * count in this instance's memory, captions reach only this instance's viewers), so it reports `degraded`, which
 * keeps readiness at 200: failing readiness would take every instance out of service for a dependency each can
 * do without.
 */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  get configured(): boolean {
    return this.redis !== null;
  }

  async check<const Key extends string>(key: Key, timeoutMs: number) {
    const indicator = this.indicators.check(key);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.redis!.ping(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), timeoutMs))),
      ]);
      return indicator.up();
    } catch (error) {
      return indicator.degraded({
        message: `Redis does not answer (${error instanceof Error ? error.message : String(error)}): rate limits count per instance and captions reach this instance's viewers only`,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}
