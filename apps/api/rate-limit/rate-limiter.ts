import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { InjectConfig, type AppConfig } from '../../../libs/config';
import { REDIS } from '../redis/redis.module';

export interface RateDecision {
  allowed: boolean;
  /** When the key's window resets. */
  retryAfterMs: number;
  remaining: number;
}

/**
 * Request limits per key (rate-limiter-flexible): in Redis when configured, shared by every API instance,
 * else in this instance's memory. While Redis does not answer, each instance counts in memory (the insurance
 * limiter) rather than refusing or waving everything through.
 */
@Injectable()
export class RateLimiter {
  /** One limiter per (limit, window): a limiter's points and duration are fixed. */
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  /** Deployments sharing a Redis keep separate counters (the task queue names a deployment). */
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    @InjectConfig() config: AppConfig,
  ) {
    this.prefix = `voxflow:${config.temporal.namespace}:${config.temporal.taskQueue}:rl`;
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    try {
      const used = await this.limiter(limit, windowMs).consume(key);
      return { allowed: true, retryAfterMs: used.msBeforeNext, remaining: used.remainingPoints };
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      return { allowed: false, retryAfterMs: refusal.msBeforeNext, remaining: 0 };
    }
  }

  private limiter(points: number, windowMs: number): RateLimiterAbstract {
    const name = `${points}/${windowMs}`;
    let limiter = this.limiters.get(name);
    if (!limiter) {
      const options = { points, duration: Math.ceil(windowMs / 1000), keyPrefix: `${this.prefix}:${name}` };
      limiter = this.redis
        ? new RateLimiterRedis({
            ...options,
            storeClient: this.redis,
            rejectIfRedisNotReady: true,
            insuranceLimiter: new RateLimiterMemory(options),
          })
        : new RateLimiterMemory(options);
      this.limiters.set(name, limiter);
    }
    return limiter;
  }
}
