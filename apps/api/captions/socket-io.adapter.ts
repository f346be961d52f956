import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../../../libs/config';

/** socket.io's own payload cap: above any legitimate frame (64 KiB), far below memory trouble. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * socket.io for the captions gateways: CORS from CORS_ORIGINS, bounded message size, and with REDIS_URL
 * the Redis adapter, so rooms (a session's viewers) span every API instance.
 */
export class VoxflowIoAdapter extends IoAdapter {
  private readonly clients: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
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
      const pub = new Redis(this.config.redis.url, { maxRetriesPerRequest: null });
      const sub = pub.duplicate();
      this.clients.push(pub, sub);
      server.adapter(createAdapter(pub, sub, { key: `voxflow:${this.config.temporal.taskQueue}:io` }));
    }
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.clients.splice(0).map((client) => client.quit().catch(() => client.disconnect())));
  }
}
