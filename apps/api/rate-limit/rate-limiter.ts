import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { InjectConfig, type AppConfig } from '../../../libs/config';
import { REDIS } from '../redis/redis.module';

export interface RateDecision {
  allowed: boolean;
  /** When the current window resets. */
  retryAfterMs: number;
  remaining: number;
}

/**
 * Fixed-window counters: in Redis when configured (shared by every API instance), else in memory.
 * If Redis is briefly unreachable the request is allowed: a limiter outage must not become an API outage.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly memory = new Map<string, { count: number; resetAt: number }>();

  /** Deployments sharing a Redis keep separate counters (the task queue names a deployment). */
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    @InjectConfig() config: AppConfig,
  ) {
    this.prefix = `voxflow:${config.temporal.namespace}:${config.temporal.taskQueue}:rl`;
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    const now = Date.now();
    const windowStart = now - (now % windowMs);
    const resetAt = windowStart + windowMs;
    let count: number;
    if (this.redis) {
      try {
        const redisKey = `${this.prefix}:${key}:${windowStart}`;
        const [[, incremented]] = (await this.redis.multi().incr(redisKey).pexpire(redisKey, windowMs).exec()) as [
          [null, number],
          unknown,
        ];
        count = incremented;
      } catch (error) {
        this.logger.warn({ err: error }, 'rate limiter unavailable; allowing the request');
        return { allowed: true, retryAfterMs: 0, remaining: limit };
      }
    } else {
      const entry = this.memory.get(key);
      if (!entry || entry.resetAt <= now) {
        this.memory.set(key, { count: 1, resetAt });
        count = 1;
        if (this.memory.size > 100_000) this.sweep(now);
      } else {
        count = ++entry.count;
      }
    }
    return { allowed: count <= limit, retryAfterMs: resetAt - now, remaining: Math.max(0, limit - count) };
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.memory) if (entry.resetAt <= now) this.memory.delete(key);
  }
}
