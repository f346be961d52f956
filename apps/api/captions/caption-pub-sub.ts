import { once } from 'node:events';
import type { Redis } from 'ioredis';

/**
 * How captions cross API instances through Redis: sharded pub/sub, a channel per session that only its
 * viewers' instances subscribe to (Redis ≥ 7.0), or one pattern every instance subscribes to (older Redis).
 */
export type CaptionPubSub = 'sharded' | 'pattern';

/** SSUBSCRIBE and SPUBLISH arrived in Redis 7.0; an unknown version is taken to be current. */
export function captionPubSubFor(redisVersion: string | undefined): CaptionPubSub {
  const major = Number(/^(\d+)\./.exec(redisVersion ?? '')?.[1]);
  return major < 7 ? 'pattern' : 'sharded';
}

/**
 * Reads the version of the Redis behind `redis` (the API's own connection), once at start-up. On Redis 6 the
 * sharded adapter's first SSUBSCRIBE would fail inside the adapter (an unhandled rejection, a crashed API);
 * the pattern adapter works there, at the price of every instance receiving every caption.
 */
export async function detectCaptionPubSub(
  redis: Redis,
  timeoutMs = 3_000,
): Promise<{ pubSub: CaptionPubSub; redisVersion?: string }> {
  try {
    // The connection refuses commands until it is ready (no offline queue).
    if (redis.status !== 'ready') await once(redis, 'ready', { signal: AbortSignal.timeout(timeoutMs) });
    const redisVersion = /^redis_version:(\S+)/m.exec(await redis.info('server'))?.[1];
    return { pubSub: captionPubSubFor(redisVersion), redisVersion };
  } catch {
    return { pubSub: captionPubSubFor(undefined) }; // Unreachable for now: the version stays unknown.
  }
}
