import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import type { LiveCaptionLineDocument } from '../../../libs/db/live-session.schema';
import { LiveSessionsService } from '../../../libs/live/live-sessions.service';
import { ApiMetrics } from '../../../libs/metrics/api-metrics';
import {
  now,
  type CaptionBus,
  type CaptionEvent,
  type ViewerClientEvents,
  type ViewerServerEvents,
} from './caption-events';
import { FLUSH_AFTER_MS } from './caption-line-writer';
import { LiveAuthenticator, LiveAuthError, type LiveIdentity } from './live-authenticator';

const RECENT_LINES = 20;
/**
 * When a late viewer looks at stored lines a second time: a final line published just before its instance
 * subscribed may still wait in its speaker instance's write batch the first time (a batch is stored within
 * FLUSH_AFTER_MS, plus the write itself). Found then, it comes after any newer line the viewer got live.
 */
const SECOND_LOOK_MS = 2 * FLUSH_AFTER_MS;
const room = (sessionId: string) => `live:${sessionId}`;

type ViewerSocket = Socket<
  ViewerClientEvents,
  ViewerServerEvents,
  Record<string, never>,
  { identity?: LiveIdentity; ready?: Promise<void>; expiry?: NodeJS.Timeout }
>;

/**
 * `/captions`: viewers `watch` a session of their own tenant (a viewer token: its one session, until it
 * expires, when the connection is closed) and receive its captions. Rooms are per
 * session; with the Redis adapter a viewer on one API instance follows a speaker on another. Interim
 * captions are volatile (a slow viewer skips some instead of queueing them); finals are always delivered.
 */
@WebSocketGateway({ namespace: '/captions' })
export class ViewerGateway implements OnGatewayConnection, OnGatewayDisconnect, CaptionBus {
  private readonly logger = new Logger(ViewerGateway.name);
  @WebSocketServer() private readonly server!: Namespace<ViewerClientEvents, ViewerServerEvents>;

  constructor(
    private readonly auth: LiveAuthenticator,
    private readonly sessions: LiveSessionsService,
    private readonly metrics: ApiMetrics,
  ) {}

  handleConnection(socket: ViewerSocket): void {
    socket.data.ready = this.auth.authenticate(socket.handshake.auth?.token, 'live:watch').then(
      (identity) => {
        socket.data.identity = identity;
        this.metrics.liveSessions.inc({ role: 'viewer' });
        if (identity.viewer) {
          socket.data.expiry = setTimeout(() => {
            socket.emit('error', { code: 'auth_expired', message: 'The viewer token has expired.', timestamp: now() });
            socket.disconnect(true);
          }, identity.viewer.expiresAt.getTime() - Date.now());
        }
      },
      (error: unknown) => {
        const refused =
          error instanceof LiveAuthError ? error : new LiveAuthError('auth_invalid', 'Authentication failed.');
        socket.emit('error', { code: refused.code, message: refused.message, timestamp: now() });
        socket.disconnect(true);
      },
    );
  }

  handleDisconnect(socket: ViewerSocket): void {
    clearTimeout(socket.data.expiry);
    if (socket.data.identity) this.metrics.liveSessions.dec({ role: 'viewer' });
  }

  @SubscribeMessage('watch')
  async watch(@ConnectedSocket() socket: ViewerSocket, @MessageBody() body: { session_id?: unknown }): Promise<void> {
    await socket.data.ready;
    const identity = socket.data.identity;
    if (!identity) return;
    const sessionId = typeof body?.session_id === 'string' ? body.session_id : '';
    // Another tenant's session, or one a viewer token was not issued for, looks exactly like a missing one.
    const allowed = sessionId && (!identity.viewer || identity.viewer.sessionId === sessionId);
    const session = allowed ? await this.sessions.find(identity.tenantId, sessionId) : undefined;
    if (!session) {
      socket.emit('error', {
        code: 'not_found',
        message: `No live session ${sessionId || '(missing session_id)'}.`,
        timestamp: now(),
      });
      return;
    }
    // Resolves once this instance hears the session (socket-io.adapter): captions published from then on reach
    // the viewer live; those before it come from storage, twice for a live session (SECOND_LOOK_MS).
    await socket.join(room(sessionId));
    socket.emit('watching', { session_id: sessionId, language: session.language, status: session.status });
    // Final lines this viewer has been sent, by start time, so that neither look sends one twice.
    const sent = new Set<number>();
    const noteSent = (event: string, caption: CaptionEvent) => {
      if (event === 'caption' && caption.is_final && caption.session_id === sessionId) sent.add(caption.start);
    };
    socket.onAnyOutgoing(noteSent);
    try {
      // A late viewer first gets the recent final lines (from storage, so it works on any instance).
      this.sendLines(socket, sessionId, await this.sessions.captionLines(sessionId, RECENT_LINES), sent);
      if (session.status === 'ended') {
        socket.emit('session_ended', { session_id: sessionId, reason: session.endReason ?? 'ended', timestamp: now() });
        return;
      }
      await sleep(SECOND_LOOK_MS);
      if (socket.connected)
        this.sendLines(socket, sessionId, await this.sessions.captionLines(sessionId, RECENT_LINES), sent);
    } finally {
      socket.offAnyOutgoing(noteSent);
    }
  }

  /** Stored final lines as captions, skipping those the viewer has already been sent (live or stored). */
  private sendLines(
    socket: ViewerSocket,
    sessionId: string,
    lines: LiveCaptionLineDocument[],
    sent: ReadonlySet<number>,
  ): void {
    for (const line of lines) {
      if (sent.has(line.start)) continue;
      socket.emit('caption', {
        session_id: sessionId,
        transcript: line.text,
        is_final: true,
        speech_final: true,
        confidence: line.confidence ?? 0,
        start: line.start,
        duration: Math.round((line.end - line.start) * 1000) / 1000,
        words: [],
        timestamp: now(),
      });
    }
  }

  caption(sessionId: string, caption: CaptionEvent): void {
    this.broadcast(() => {
      const target = this.server.to(room(sessionId));
      if (caption.is_final) target.emit('caption', caption);
      else target.volatile.emit('caption', caption);
    });
  }

  ended(sessionId: string, reason: string): void {
    this.broadcast(() =>
      this.server.to(room(sessionId)).emit('session_ended', { session_id: sessionId, reason, timestamp: now() }),
    );
  }

  /** Viewers are best effort: a fan-out failure (Redis unreachable, shutting down) never breaks the speaker. */
  private broadcast(send: () => void): void {
    try {
      send();
    } catch (error) {
      this.logger.warn({ err: error }, 'caption fan-out failed');
    }
  }
}
