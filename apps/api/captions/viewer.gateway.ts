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
import type { LiveCaptionLineDocument, LiveSessionDocument } from '../../../libs/db/live-session.schema';
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
import { SecondWindow } from './second-window';
import { LiveAuthenticator, refusalOf, type LiveIdentity } from './live-authenticator';

const RECENT_LINES = 20;
/** `watch` events a connection may send per second; a second with this many more refused ones disconnects it. */
const WATCHES_PER_SECOND = 5;
/** Sessions one connection may watch at once (the page watches one; a dashboard a few). */
const MAX_WATCHED_SESSIONS = 10;
/** Session lookups kept (see `lookup`); past it the cache starts over rather than grow. */
const MAX_CACHED_LOOKUPS = 10_000;
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
  {
    identity?: LiveIdentity;
    ready?: Promise<void>;
    expiry?: NodeJS.Timeout;
    watches?: SecondWindow;
  }
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
  private readonly lookups = new Map<string, { expires: number; session: Promise<LiveSessionDocument | undefined> }>();
  @WebSocketServer() private readonly server!: Namespace<ViewerClientEvents, ViewerServerEvents>;

  constructor(
    private readonly auth: LiveAuthenticator,
    private readonly sessions: LiveSessionsService,
    private readonly metrics: ApiMetrics,
  ) {}

  handleConnection(socket: ViewerSocket): void {
    socket.data.ready = this.auth.authenticateHandshake(socket.handshake, 'live:watch').then(
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
        const { code, message } = refusalOf(error);
        socket.emit('error', { code, message, timestamp: now() });
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
    if (!identity || !this.admitWatch(socket)) return;
    const sessionId = typeof body?.session_id === 'string' ? body.session_id : '';
    // Another tenant's session, or one a viewer token was not issued for, looks exactly like a missing one.
    const allowed = sessionId && (!identity.viewer || identity.viewer.sessionId === sessionId);
    const session = allowed ? await this.lookup(identity.tenantId, sessionId) : undefined;
    if (!session) {
      socket.emit('error', {
        code: 'not_found',
        message: `No live session ${sessionId || '(missing session_id)'}.`,
        timestamp: now(),
      });
      return;
    }
    // Every connection is in its own room too.
    if (!socket.rooms.has(room(sessionId)) && socket.rooms.size > MAX_WATCHED_SESSIONS) {
      socket.emit('error', {
        code: 'too_many_sessions',
        message: `One connection watches at most ${MAX_WATCHED_SESSIONS} sessions.`,
        timestamp: now(),
      });
      return;
    }
    // Resolves once this instance hears the session (socket-io.adapter): captions published from then on reach
    // the viewer live; those before it come from storage, twice for a live session (SECOND_LOOK_MS).
    await socket.join(room(sessionId));
    socket.emit('watching', { session_id: sessionId, language: session.language, status: session.status });
    // Final lines this viewer has been sent, by start time, so that neither look sends one twice; and whether
    // it has been told the session ended.
    const sent = new Set<number>();
    let toldEnded = false;
    const noteSent = (event: string, payload: CaptionEvent) => {
      if (payload.session_id !== sessionId) return;
      if (event === 'caption' && payload.is_final) sent.add(payload.start);
      if (event === 'session_ended') toldEnded = true;
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
      if (!socket.connected) return;
      this.sendLines(socket, sessionId, await this.sessions.captionLines(sessionId, RECENT_LINES), sent);
      // A session that ended just before this viewer joined its room was announced before it could hear; the
      // lookup now is fresher than that announcement (see `lookup`).
      const current = await this.lookup(identity.tenantId, sessionId);
      if (current?.status === 'ended' && !toldEnded)
        socket.emit('session_ended', { session_id: sessionId, reason: current.endReason ?? 'ended', timestamp: now() });
    } finally {
      socket.offAnyOutgoing(noteSent);
    }
  }

  /**
   * `watch` events over WATCHES_PER_SECOND are refused (reported once a second); a connection that keeps sending
   * them at twice the rate and more is disconnected.
   */
  private admitWatch(socket: ViewerSocket): boolean {
    const count = (socket.data.watches ??= new SecondWindow()).count('watch');
    if (count <= WATCHES_PER_SECOND) return true;
    if (count === WATCHES_PER_SECOND + 1 || count >= 2 * WATCHES_PER_SECOND) {
      const message = `At most ${WATCHES_PER_SECOND} watch events a second.`;
      socket.emit('error', { code: 'rate_limited', message, timestamp: now() });
    }
    if (count >= 2 * WATCHES_PER_SECOND) socket.disconnect(true);
    return false;
  }

  /**
   * A session as one query serves every viewer asking within SECOND_LOOK_MS of it (a burst of viewers joining,
   * or one connection repeating itself). A lookup started after a session's end was announced reads it as
   * ended, and the second look of a watch comes SECOND_LOOK_MS after it joined the room: by then a cached
   * lookup started after the join, or a new one is made.
   */
  private lookup(tenantId: string, sessionId: string): Promise<LiveSessionDocument | undefined> {
    const key = `${tenantId}:${sessionId}`;
    const cached = this.lookups.get(key);
    if (cached && cached.expires > Date.now()) return cached.session;
    if (this.lookups.size >= MAX_CACHED_LOOKUPS) this.lookups.clear();
    const session = this.sessions.find(tenantId, sessionId);
    this.lookups.set(key, { expires: Date.now() + SECOND_LOOK_MS, session });
    session.catch(() => this.lookups.delete(key));
    return session;
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
