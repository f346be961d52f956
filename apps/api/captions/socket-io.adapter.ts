import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Namespace, Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../../../libs/config';
import type { CaptionPubSub } from './caption-pub-sub';
import { DEFAULT_LIVE_LIMITS } from './live-limits';

/**
 * socket.io's own message cap, past which it closes the connection before parsing: room for the largest frame a
 * session accepts as base64 (4/3 of its bytes) and its envelope, so a frame between the two is refused by the
 * session and anything larger never reaches it.
 */
const MAX_MESSAGE_BYTES = 2 * DEFAULT_LIVE_LIMITS.maxFrameBytes;
/** How long a join waits for Redis to confirm its subscription; past it (Redis away) the join goes on. */
const JOIN_CONFIRM_TIMEOUT_MS = 2_000;

type Adapter = Namespace['adapter'];

/** Redis channels of the socket.io adapter: `<prefix>#<namespace>#<room>#` per room. */
export const captionChannelPrefix = (taskQueue: string) => `voxflow:${taskQueue}:io`;

/**
 * socket.io for the captions gateways: CORS from CORS_ORIGINS, bounded message size, and with REDIS_URL
 * the Redis adapter, so rooms (a session's viewers) span every API instance.
 */
export class VoxflowIoAdapter extends IoAdapter {
  private readonly connections: { pub: Redis; sub: Redis }[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly pubSub: CaptionPubSub = 'sharded',
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, {
      ...options,
      maxHttpBufferSize: MAX_MESSAGE_BYTES,
      cors: { origin: this.config.http.corsOrigins.length ? this.config.http.corsOrigins : false },
    } as ServerOptions);
    if (this.config.redis.url) {
      // A caption is one PUBLISH: auto-pipelining sends those of one event-loop turn in one write, where
      // a write each was a tenth of the API's time at 500 speakers.
      // socket.io sends a caption to this instance's own viewers once its publish has settled: while Redis is
      // down a publish must fail at once (no offline queue, no retries), not wait for Redis to come back.
      const pub = new Redis(this.config.redis.url, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        enableAutoPipelining: true,
      });
      const sub = new Redis(this.config.redis.url, { maxRetriesPerRequest: null });
      this.connections.push({ pub, sub });
      const prefix = captionChannelPrefix(this.config.temporal.taskQueue);
      // Sharded pub/sub, a channel per session: an instance hears only the sessions its own viewers watch.
      // With one pattern for all (Redis < 7), every instance receives every caption of the cluster.
      server.adapter(
        this.pubSub === 'sharded'
          ? withConfirmedJoins(
              createShardedAdapter(pub, sub, { channelPrefix: prefix, subscriptionMode: 'dynamic' }),
              sub,
            )
          : createAdapter(pub, sub, { key: prefix }),
      );
    }
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    // QUIT skips the auto-pipeline: a PING queued behind the last publishes returns once they are sent,
    // instead of those publishes failing (unhandled, inside the adapter) on a closed connection.
    // While Redis is down both would wait for it forever (these connections queue offline): just disconnect.
    const connections = this.connections.splice(0);
    const ready = (client: Redis) => client.status === 'ready';
    await Promise.all(connections.filter(({ pub }) => ready(pub)).map(({ pub }) => pub.ping().catch(() => undefined)));
    for (const client of connections.flatMap(({ pub, sub }) => [pub, sub])) {
      if (ready(client)) await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    }
  }
}

/**
 * The sharded adapter subscribes to a room's channel when the room is created, without waiting for Redis, so
 * a join resolved before the instance could hear the room: a viewer told it is watching (and given its catch-up
 * lines) could miss a caption published by another instance in that round trip. Here a join into a shared room
 * resolves once Redis has answered a PING sent after the subscription on the same connection (Redis answers
 * in order), or after JOIN_CONFIRM_TIMEOUT_MS when Redis does not answer: viewers stay best effort.
 * (socket.io constructs the adapter with `new`: a function, not an arrow.)
 */
function withConfirmedJoins(createAdapter: (nsp: Namespace) => Adapter, sub: Redis) {
  return function confirmedJoinAdapter(nsp: Namespace): Adapter {
    const adapter = createAdapter(nsp);
    const addAll = adapter.addAll.bind(adapter);
    adapter.addAll = (socketId, rooms) => {
      const added = addAll(socketId, rooms);
      // A socket's own room (its id) has no channel of its own: nothing to wait for when it connects.
      if ([...rooms].every((room) => room === socketId)) return added;
      const confirmed = sub.ping().catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const givenUp = new Promise((wake) => (timer = setTimeout(wake, JOIN_CONFIRM_TIMEOUT_MS)));
      return Promise.resolve(added)
        .then(() => Promise.race([confirmed, givenUp]))
        .then(() => clearTimeout(timer));
    };
    return adapter;
  };
}
