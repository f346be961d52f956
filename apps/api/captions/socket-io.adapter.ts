import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../../../libs/config';
import type { CaptionPubSub } from './caption-pub-sub';

/** socket.io's own payload cap: above any legitimate frame (64 KiB), far below memory trouble. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

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
      const pub = new Redis(this.config.redis.url, { maxRetriesPerRequest: null, enableAutoPipelining: true });
      const sub = new Redis(this.config.redis.url, { maxRetriesPerRequest: null });
      this.connections.push({ pub, sub });
      const prefix = captionChannelPrefix(this.config.temporal.taskQueue);
      // Sharded pub/sub, a channel per session: an instance hears only the sessions its own viewers watch.
      // With one pattern for all (Redis < 7), every instance receives every caption of the cluster.
      server.adapter(
        this.pubSub === 'sharded'
          ? createShardedAdapter(pub, sub, { channelPrefix: prefix, subscriptionMode: 'dynamic' })
          : createAdapter(pub, sub, { key: prefix }),
      );
    }
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    // QUIT skips the auto-pipeline: a PING queued behind the last publishes returns once they are sent,
    // instead of those publishes failing (unhandled, inside the adapter) on a closed connection.
    const connections = this.connections.splice(0);
    await Promise.all(connections.map(({ pub }) => pub.ping().catch(() => undefined)));
    const clients = connections.flatMap(({ pub, sub }) => [pub, sub]);
    await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
  }
}
