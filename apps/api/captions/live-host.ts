import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { newId } from '../../../libs/db/ids';
import { LIVE_HOST_HEARTBEAT_MS, LiveSessionsService } from '../../../libs/live/live-sessions.service';

/** Audio seconds relayed so far, by session id. */
export type AudioProgress = Record<string, number>;

/**
 * This API instance as the holder of live sessions. Its heartbeat is how readers on any instance tell a
 * session whose instance crashed (never marked ended) from one still streaming; each beat also records the
 * audio its sessions relayed so far, which the sweep that ends a crashed instance's sessions writes into them.
 */
@Injectable()
export class LiveHost implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly id = newId('host');
  private readonly logger = new Logger(LiveHost.name);
  private timer?: NodeJS.Timeout;
  private audioProgress: () => AudioProgress = () => ({});

  constructor(private readonly sessions: LiveSessionsService) {}

  /** Where the beat reads its running sessions' audio (the speaker gateway). */
  reportAudioFrom(source: () => AudioProgress): void {
    this.audioProgress = source;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), LIVE_HOST_HEARTBEAT_MS).unref();
  }

  /** After the speaker gateway ended every session (beforeApplicationShutdown). */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sessions.removeHost(this.id).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    // A missed beat or two is harmless: readers wait LIVE_HOST_LOST_AFTER_MS before calling a host lost, and
    // the next beat records the audio again.
    await this.sessions
      .heartbeat(this.id, this.audioProgress())
      .catch((error: unknown) => this.logger.warn({ err: error }, 'live host heartbeat failed'));
  }
}
