import { Redis } from 'ioredis';

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
 * Asks the Redis at `url` for its version, once at start-up. On Redis 6 the sharded adapter's first
 * SSUBSCRIBE would fail inside the adapter (an unhandled rejection, a crashed API); the pattern adapter works
 * there, at the price of every instance receiving every caption.
 */
export async function detectCaptionPubSub(
  url: string,
  timeoutMs = 3_000,
): Promise<{ pubSub: CaptionPubSub; redisVersion?: string }> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined); // Unreachable: the version stays unknown, the caller decides.
  try {
    await client.connect();
    const redisVersion = /^redis_version:(\S+)/m.exec(await client.info('server'))?.[1];
    return { pubSub: captionPubSubFor(redisVersion), redisVersion };
  } catch {
    return { pubSub: captionPubSubFor(undefined) };
  } finally {
    client.disconnect();
  }
}
