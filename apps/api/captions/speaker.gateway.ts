import { Inject, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import {
  ConnectedSocket,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
} from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { InjectConfig, type AppConfig } from '../../../libs/config';
import { isSupportedLanguage, LANGUAGE_CODES } from '../../../libs/contracts/languages';
import { newId } from '../../../libs/db/ids';
import { LiveSessionsService } from '../../../libs/live/live-sessions.service';
import { TenantQuotas } from '../../../libs/tenants/tenant-quotas';
import { ApiMetrics } from '../../../libs/metrics/api-metrics';
import { DeepgramLiveUpstream } from '../../../libs/providers/deepgram-live.upstream';
import { now, type SpeakerClientEvents, type SpeakerServerEvents } from './caption-events';
import { LiveAuthenticator, refusalOf } from './live-authenticator';
import { LiveHost } from './live-host';
import { LIVE_LIMITS } from './live-limits.provider';
import type { LiveLimits } from './live-limits';
import { CaptionLineWriter } from './caption-line-writer';
import { SpeakerSession } from './speaker-session';
import { ViewerGateway } from './viewer.gateway';

/** Audio that arrives while the connection is still being authenticated (a few frames at most). */
const EARLY_FRAMES = 50;

type SpeakerSocket = Socket<
  SpeakerClientEvents,
  SpeakerServerEvents,
  Record<string, never>,
  { session?: SpeakerSession; early?: unknown[] }
>;

/**
 * `/audio-stream?lang=xx`: a speaker streams microphone audio and gets live transcription back; viewers of
 * the session get the same captions. The gateway authenticates and relays; SpeakerSession does the rest.
 */
@WebSocketGateway({ namespace: '/audio-stream' })
export class SpeakerGateway implements OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  private readonly logger = new Logger(SpeakerGateway.name);
  private readonly liveSessions = new Set<SpeakerSession>();
  private readonly lines: CaptionLineWriter;

  constructor(
    private readonly auth: LiveAuthenticator,
    private readonly viewers: ViewerGateway,
    private readonly sessions: LiveSessionsService,
    private readonly metrics: ApiMetrics,
    private readonly host: LiveHost,
    private readonly quotas: TenantQuotas,
    @InjectConfig() private readonly config: AppConfig,
    @Inject(LIVE_LIMITS) private readonly limits: LiveLimits,
  ) {
    this.lines = new CaptionLineWriter(sessions, this.logger);
    host.reportAudioFrom(() =>
      Object.fromEntries([...this.liveSessions].map((session) => [session.id, session.audioSeconds])),
    );
  }

  async handleConnection(socket: SpeakerSocket): Promise<void> {
    socket.data.early = [];
    // Audio frames (10 a second per speaker) skip Nest's per-message pipeline (rxjs, global validation
    // pipe, exception filters): it was a fifth of the API's CPU at 250 speakers. Bound before the first
    // await, so no frame arrives unheard.
    socket.on('audio_chunk', (payload: unknown) => this.audio(socket, payload));
    const refuse = (code: string, message: string) => {
      socket.emit('error', { code, message, timestamp: now() });
      socket.disconnect(true);
    };
    const lang = typeof socket.handshake.query.lang === 'string' ? socket.handshake.query.lang : 'en';
    if (!isSupportedLanguage(lang))
      return refuse(
        'unsupported_language',
        `Language "${lang}" is not supported. Supported: ${LANGUAGE_CODES.join(', ')}.`,
      );
    const { apiKey, baseUrl } = this.config.providers.deepgram;
    if (!apiKey)
      return refuse('live_unavailable', 'Live captions are not configured on this server (DEEPGRAM_API_KEY).');

    let identity;
    try {
      identity = await this.auth.authenticateHandshake(socket.handshake, 'live:speak');
    } catch (error) {
      const { code, message } = refusalOf(error);
      return refuse(code, message);
    }
    const [{ liveSessions: tenantLimit }, elsewhere] = await Promise.all([
      this.quotas.limits(identity.tenantId),
      this.sessions.runningCount(identity.tenantId, this.host.id),
    ]);
    if (socket.disconnected) return;
    // Checked with no await before the session is counted, so concurrent connections to this instance cannot
    // overshoot (across instances, those starting at the same moment can, by their number).
    const here = [...this.liveSessions].filter((session) => session.identity.tenantId === identity.tenantId).length;
    if (here + elsewhere >= tenantLimit) {
      return refuse(
        'quota_exceeded',
        `The tenant runs ${here + elsewhere} live sessions, its limit; end one or retry later.`,
      );
    }
    const { maxSpeakersPerInstance } = this.config.live;
    if (maxSpeakersPerInstance > 0 && this.liveSessions.size >= maxSpeakersPerInstance) {
      this.metrics.liveSpeakersRefused.inc();
      return refuse(
        'server_busy',
        `This server relays its limit of ${maxSpeakersPerInstance} live sessions. Retry shortly.`,
      );
    }
    const session = new SpeakerSession(newId('live'), identity, lang, socket, {
      hostId: this.host.id,
      bus: this.viewers,
      sessions: this.sessions,
      lines: this.lines,
      openUpstream: (language) => new DeepgramLiveUpstream({ apiKey, baseUrl, language }),
      limits: this.limits,
      metrics: this.metrics,
      logger: this.logger,
    });
    socket.data.session = session;
    this.liveSessions.add(session);
    const early = socket.data.early;
    socket.data.early = undefined;
    await session.start().catch((error: unknown) => this.logger.error({ err: error }, 'live session failed to start'));
    for (const frame of early ?? []) session.onAudio(frame);
  }

  private audio(socket: SpeakerSocket, payload: unknown): void {
    if (socket.data.session) socket.data.session.onAudio(payload);
    else if (socket.data.early && socket.data.early.length < EARLY_FRAMES) socket.data.early.push(payload);
  }

  @SubscribeMessage('stop')
  async stop(@ConnectedSocket() socket: SpeakerSocket): Promise<void> {
    await socket.data.session?.stop();
  }

  async handleDisconnect(socket: SpeakerSocket): Promise<void> {
    const session = socket.data.session;
    if (!session) return;
    this.liveSessions.delete(session);
    await session.disconnected();
  }

  /**
   * Runs before Nest closes the socket server (and the Redis adapter): every live session ends properly,
   * its upstream closed and its speaker and viewers told, instead of being cut.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.liveSessions].map((session) => session.serverShutdown()));
    this.liveSessions.clear();
    await this.lines.flush();
  }
}
