import { Injectable } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '../config';
import type {
  LiveCaptionLineDocument,
  LiveHostDocument,
  LiveSessionDocument,
  NewCaptionLine,
} from '../db/live-session.schema';
import { LiveSessionsRepository } from '../db/live-sessions.repository';
import { ViewerTokensRepository } from '../db/viewer-tokens.repository';
import { generateViewerToken, hashApiKey } from '../auth/api-key';
import { DomainError } from '../errors/domain-error';
import type { ExportableTranscript } from '../transcripts/export-formats';

/** How often an API instance refreshes its host record. */
export const LIVE_HOST_HEARTBEAT_MS = 20_000;
/** A host this long without a heartbeat is gone (crashed or cut off), and so are its sessions. */
export const LIVE_HOST_LOST_AFTER_MS = 90_000;
/** How long a viewer token watches by default, and at most. */
export const VIEWER_TOKEN_TTL_S = { default: 4 * 3600, max: 24 * 3600 } as const;

/** What a viewer token may watch, and until when. */
export interface ViewerGrant {
  tenantId: string;
  sessionId: string;
  expiresAt: Date;
}

/** Running sessions counted at most (far above any tenant's live-session quota). */
const RUNNING_COUNT_MAX = 10_000;
/** Sessions ended per write when retention ends those of crashed instances. */
const END_BATCH = 500;

/**
 * When a session of a lost host ended: at the host's last heartbeat, but not before the session started (a host
 * whose heartbeats were failing could still start sessions) nor after it could have run (`maxSessionMs`).
 * Without a heartbeat, as late as it could have run.
 */
function lostSessionEnd(startedAt: Date, lastBeat: Date | undefined, maxSessionMs = Infinity): Date {
  const started = startedAt.getTime();
  const latest = started + maxSessionMs;
  return new Date(Math.min(Math.max(lastBeat?.getTime() ?? latest, started), latest));
}

/** The audio a live session had relayed at its host's last heartbeat, if the host recorded any. */
function audioAtLastBeat(
  session: Pick<LiveSessionDocument, '_id' | 'hostId'>,
  hosts: Map<string, LiveHostDocument>,
): number | undefined {
  return session.hostId ? hosts.get(session.hostId)?.audio?.[session._id] : undefined;
}

const hostIdsOf = (sessions: Pick<LiveSessionDocument, 'hostId'>[]) =>
  sessions.flatMap((session) => (session.hostId ? [session.hostId] : []));

/**
 * Live sessions as readers see them, on any API instance. A session's instance records its end; one that
 * crashed cannot, so a `live` session whose host stopped heartbeating reads as ended (`server_lost`, at the
 * host's last heartbeat) until retention writes that end once no such session could still be running.
 * Nothing is written on reading, so a host that was only cut off from the database gets its sessions back.
 */
@Injectable()
export class LiveSessionsService {
  constructor(
    private readonly sessions: LiveSessionsRepository,
    private readonly viewerTokens: ViewerTokensRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  private get maxSessionMs(): number {
    return this.config.live.maxSessionMinutes * 60_000;
  }

  /** A session this instance relays, live from now. */
  start(session: Omit<LiveSessionDocument, 'status' | 'startedAt'>): Promise<LiveSessionDocument> {
    return this.sessions.start(session);
  }

  /** Records the end of a session this instance relayed, with the audio it relayed. */
  end(sessionId: string, reason: string, audioSeconds: number): Promise<void> {
    return this.sessions.end(sessionId, reason, audioSeconds);
  }

  /** Stores final lines; a line already stored (a retried batch) is skipped. */
  addLines(lines: NewCaptionLine[]): Promise<void> {
    return this.sessions.addLines(lines);
  }

  /** Marks the instance alive, with its running sessions' audio so far (LIVE_HOST_HEARTBEAT_MS apart). */
  heartbeat(hostId: string, audio: Record<string, number>): Promise<void> {
    return this.sessions.heartbeat(hostId, audio);
  }

  /** An instance that shut down cleanly, its sessions ended first. */
  removeHost(hostId: string): Promise<void> {
    return this.sessions.removeHost(hostId);
  }

  /** The tenant's session, or undefined: another tenant's session looks exactly like a missing one. */
  async find(tenantId: string, sessionId: string): Promise<LiveSessionDocument | undefined> {
    const session = await this.sessions.findForTenant(tenantId, sessionId);
    return session && (await this.withLostHosts([session]))[0];
  }

  async get(tenantId: string, sessionId: string): Promise<LiveSessionDocument> {
    const session = await this.find(tenantId, sessionId);
    if (!session) throw new DomainError('not_found', `No live session ${sessionId}.`);
    return session;
  }

  /**
   * A token that may watch this one session of the tenant, and nothing else, for `ttlSeconds`: what a viewer
   * link carries instead of an API key. Shown once; only its hash is kept.
   */
  async issueViewerToken(
    tenantId: string,
    sessionId: string,
    ttlSeconds: number = VIEWER_TOKEN_TTL_S.default,
  ): Promise<{ token: string; expiresAt: Date }> {
    await this.get(tenantId, sessionId);
    const token = generateViewerToken();
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    await this.viewerTokens.add({ _id: hashApiKey(token), tenantId, sessionId, expiresAt });
    return { token, expiresAt };
  }

  /** What a viewer token may watch, while it has not expired. */
  async viewerGrant(token: string): Promise<ViewerGrant | undefined> {
    const stored = await this.viewerTokens.findValid(hashApiKey(token));
    return stored && { tenantId: stored.tenantId, sessionId: stored.sessionId, expiresAt: stored.expiresAt };
  }

  /** How many of the tenant's sessions run (live, their host alive), but for those of `exceptHost`. */
  async runningCount(tenantId: string, exceptHost?: string): Promise<number> {
    const live = await this.withLostHosts(await this.sessions.liveOfTenant(tenantId, RUNNING_COUNT_MAX));
    return live.filter((session) => session.status === 'live' && (!exceptHost || session.hostId !== exceptHost)).length;
  }

  /** The tenant's sessions, newest first, after the session id `after`. */
  async list(
    tenantId: string,
    options: { limit: number; after?: string },
  ): Promise<{ sessions: LiveSessionDocument[]; hasMore: boolean }> {
    const { sessions, hasMore } = await this.sessions.listForTenant(tenantId, options);
    return { sessions: await this.withLostHosts(sessions), hasMore };
  }

  lineCount(sessionId: string): Promise<number> {
    return this.sessions.lineCount(sessionId);
  }

  /** All final lines in order, or the last `limit` of them (for late viewers). */
  captionLines(sessionId: string, limit?: number): Promise<LiveCaptionLineDocument[]> {
    return this.sessions.captionLines(sessionId, limit);
  }

  /** The session's final lines as a transcript to export; gone once they were removed. */
  async transcript(tenantId: string, sessionId: string): Promise<ExportableTranscript> {
    const session = await this.get(tenantId, sessionId);
    if (session.linesRemovedAt) {
      const why = session.linesRemovedBy === 'retention' ? 'transcript retention' : 'deleted on request';
      throw new DomainError(
        'gone',
        `The session's transcript was removed on ${session.linesRemovedAt.toISOString()} (${why}).`,
      );
    }
    const segments = (await this.sessions.captionLines(sessionId)).map(({ start, end, text }) => ({
      start,
      end,
      text,
    }));
    return {
      jobId: sessionId,
      language: session.language,
      kind: 'original',
      text: segments.map((s) => s.text).join(' '),
      durationS: segments.at(-1)?.end ?? 0,
      segments,
      words: [],
      providers: ['deepgram'],
      simulated: false,
    };
  }

  /** Deletes an ended session's final lines; the session stays, and its transcript reads as removed. */
  async removeLines(tenantId: string, sessionId: string): Promise<void> {
    const session = await this.get(tenantId, sessionId);
    if (!this.isOver(session)) {
      throw new DomainError(
        'conflict',
        'The session is still live: end it first (the speaker sends stop or disconnects).',
        'session_live',
      );
    }
    await this.sessions.removeLines([sessionId], 'request');
  }

  /**
   * Sessions started in [from, to) and the audio they relayed: what an ended session stored, and for one still
   * `live` (running, or of a crashed instance retention has not ended yet) what its host's last heartbeat
   * recorded, at most LIVE_HOST_HEARTBEAT_MS old.
   */
  async usage(tenantId: string, from: Date, to: Date): Promise<{ sessions: number; audioSeconds: number }> {
    const { sessions, audioSeconds, live } = await this.sessions.usageForTenant(tenantId, from, to);
    const hosts = await this.sessions.hostsById(hostIdsOf(live));
    const liveAudio = live.reduce((sum, session) => sum + (audioAtLastBeat(session, hosts) ?? 0), 0);
    return { sessions, audioSeconds: Math.round((audioSeconds + liveAudio) * 1000) / 1000 };
  }

  /**
   * Writes the end of sessions their crashed instances left `live`, once none could still be running (started
   * longer ago than a session may last plus the time a host takes to read as lost), then forgets those
   * instances. Each ends at its host's last heartbeat, or the latest it could have run without one, with the
   * audio that heartbeat recorded. `progress` hears the running count after each batch.
   */
  async endAbandoned(progress: (ended: number) => void = () => undefined): Promise<number> {
    const settledBefore = new Date(Date.now() - this.maxSessionMs - LIVE_HOST_LOST_AFTER_MS);
    let ended = 0;
    for (;;) {
      const abandoned = await this.sessions.liveStartedBefore(settledBefore, END_BATCH);
      const hosts = await this.sessions.hostsById(hostIdsOf(abandoned));
      await this.sessions.writeEnds(
        abandoned.map((session) => ({
          sessionId: session._id,
          endedAt: lostSessionEnd(session.startedAt, hosts.get(session.hostId ?? '')?.seenAt, this.maxSessionMs),
          audioSeconds: audioAtLastBeat(session, hosts),
        })),
      );
      ended += abandoned.length;
      progress(ended);
      if (abandoned.length < END_BATCH) break;
    }
    await this.sessions.removeHostsSilentSince(settledBefore);
    return ended;
  }

  private async withLostHosts(sessions: LiveSessionDocument[]): Promise<LiveSessionDocument[]> {
    const hostIds = hostIdsOf(sessions.filter((session) => session.status === 'live'));
    if (hostIds.length === 0) return sessions;
    const hosts = await this.sessions.hostsById(hostIds);
    const now = Date.now();
    return sessions.map((session) => {
      if (session.status !== 'live' || !session.hostId) return session;
      const host = hosts.get(session.hostId);
      if (host && now - host.seenAt.getTime() <= LIVE_HOST_LOST_AFTER_MS) return session;
      const endedAt = lostSessionEnd(session.startedAt, host?.seenAt ?? new Date(now));
      return { ...session, status: 'ended', endedAt, endReason: 'server_lost' };
    });
  }

  /**
   * Ended (or read as ended: its instance was lost), or started longer ago than a session may last, which covers
   * sessions stored before they named their instance and whose instance died.
   */
  private isOver(session: LiveSessionDocument): boolean {
    return session.status === 'ended' || Date.now() - session.startedAt.getTime() > this.maxSessionMs;
  }
}
