import type { AnyBulkWriteOperation, Connection, Model } from 'mongoose';
import {
  LIVE_CAPTION_LINE_MODEL,
  LIVE_HOST_MODEL,
  LIVE_SESSION_MODEL,
  LiveCaptionLineSchema,
  LiveHostSchema,
  LiveSessionSchema,
  type LinesRemovedBy,
  type LiveHostDocument,
  type LiveCaptionLineDocument,
  type NewCaptionLine,
  type LiveSessionDocument,
} from './live-session.schema';
import { modelOn } from './model-on';
import { isDuplicateKeyError } from './mongo-errors';
import { dropRetiredIndexes } from './retired-indexes';
import { sweepWindowFilter, type SweepPosition } from './sweep-window';

/** How often an API instance refreshes its host record. */
export const LIVE_HOST_HEARTBEAT_MS = 20_000;
/** Statements per bulk write (see endAbandoned). */
const BULK_WRITE_STATEMENTS = 50;
/** A host this long without a heartbeat is gone (crashed or cut off), and so are its sessions. */
export const LIVE_HOST_LOST_AFTER_MS = 90_000;
/** Session indexes of earlier versions: by tenant and start time (the list now pages by id), by start alone. */
export const RETIRED_SESSION_INDEXES = ['tenantId_1_startedAt_-1', 'startedAt_1'] as const;

/** The audio a live session had relayed at its host's last heartbeat, if the host recorded any. */
function audioAtLastBeat(
  session: Pick<LiveSessionDocument, '_id' | 'hostId'>,
  hosts: Map<string, LiveHostDocument>,
): number | undefined {
  return session.hostId ? hosts.get(session.hostId)?.audio?.[session._id] : undefined;
}

export class LiveSessionsRepository {
  private readonly sessions: Model<LiveSessionDocument>;
  private readonly lines: Model<LiveCaptionLineDocument>;
  private readonly hosts: Model<LiveHostDocument>;

  constructor(connection: Connection) {
    this.sessions = modelOn(connection, LIVE_SESSION_MODEL, LiveSessionSchema);
    this.lines = modelOn(connection, LIVE_CAPTION_LINE_MODEL, LiveCaptionLineSchema);
    this.hosts = modelOn(connection, LIVE_HOST_MODEL, LiveHostSchema);
  }

  async init(): Promise<void> {
    await Promise.all([this.sessions.init(), this.lines.init(), this.hosts.init()]);
    await dropRetiredIndexes(this.sessions.collection, RETIRED_SESSION_INDEXES);
  }

  /** Marks the host alive and records its running sessions' audio so far, in one write whatever their number. */
  async heartbeat(hostId: string, audio: Record<string, number> = {}): Promise<void> {
    await this.hosts.updateOne({ _id: hostId }, { $set: { seenAt: new Date(), audio } }, { upsert: true });
  }

  /** A host that shut down cleanly (its sessions ended first). */
  async removeHost(hostId: string): Promise<void> {
    await this.hosts.deleteOne({ _id: hostId });
  }

  /**
   * Sessions as readers should see them: a `live` session whose host stopped heartbeating reads as ended
   * (`server_lost`, at the host's last heartbeat). Nothing is written, so a host that was only cut off from
   * the database for a while gets its sessions back as live once it heartbeats again.
   */
  private async withLostHosts(sessions: LiveSessionDocument[]): Promise<LiveSessionDocument[]> {
    const hostIds = sessions.filter((s) => s.status === 'live' && s.hostId).map((s) => s.hostId!);
    if (hostIds.length === 0) return sessions;
    const hosts = await this.hostsById(hostIds);
    const now = new Date();
    return sessions.map((session) => {
      if (session.status !== 'live' || !session.hostId) return session;
      const host = hosts.get(session.hostId);
      if (host && now.getTime() - host.seenAt.getTime() <= LIVE_HOST_LOST_AFTER_MS) return session;
      const endedAt = lostSessionEnd(session.startedAt, host?.seenAt ?? now);
      return { ...session, status: 'ended', endedAt, endReason: 'server_lost' };
    });
  }

  /** Host records by id, each read by `_id` alone: a point read on every MongoDB-wire server (FerretDB scans `$in`). */
  private async hostsById(hostIds: string[]): Promise<Map<string, LiveHostDocument>> {
    const hosts = await Promise.all([...new Set(hostIds)].map((hostId) => this.hosts.findById(hostId).lean()));
    return new Map(hosts.flatMap((host) => (host ? [[host._id, host] as const] : [])));
  }

  async start(session: Omit<LiveSessionDocument, 'status' | 'startedAt'>): Promise<LiveSessionDocument> {
    return (await this.sessions.create({ ...session, status: 'live', startedAt: new Date() })).toObject();
  }

  async end(sessionId: string, reason: string, audioSeconds: number): Promise<void> {
    await this.sessions.updateOne(
      { _id: sessionId, status: 'live' },
      { $set: { status: 'ended', endedAt: new Date(), endReason: reason, audioSeconds } },
    );
  }

  /**
   * Writes the end of sessions still `live` that started before `startedBefore`, which must be long enough ago
   * that none can still run (LIVE_MAX_SESSION_MINUTES, plus the time a host takes to read as lost): their
   * instance crashed. Each ends at its host's last heartbeat, or at the latest it could have run without one,
   * with the audio that heartbeat recorded for it. Returns how many it ended, at most `limit`.
   */
  async endAbandoned(startedBefore: Date, maxSessionMs: number, limit: number): Promise<number> {
    const abandoned = await this.sessions
      .find({ status: 'live', startedAt: { $lt: startedBefore } }, { _id: 1, hostId: 1, startedAt: 1 })
      .limit(limit)
      .lean();
    if (abandoned.length === 0) return 0;
    const hosts = await this.hostsById(abandoned.flatMap((session) => (session.hostId ? [session.hostId] : [])));
    const ends = abandoned.map((session): AnyBulkWriteOperation<LiveSessionDocument> => {
      const host = session.hostId ? hosts.get(session.hostId) : undefined;
      // Without a host record, as late as it could have run.
      const endedAt = lostSessionEnd(session.startedAt, host?.seenAt, maxSessionMs);
      const audioSeconds = audioAtLastBeat(session, hosts);
      return {
        updateOne: {
          filter: { _id: session._id, status: 'live' },
          update: {
            $set: { status: 'ended', endedAt, endReason: 'server_lost' },
            ...(audioSeconds === undefined ? {} : { $max: { audioSeconds } }),
          },
        },
      };
    });
    // FerretDB 1.24 never answers an update command of about 100 statements or more (50 is fine).
    for (let i = 0; i < ends.length; i += BULK_WRITE_STATEMENTS)
      await this.sessions.bulkWrite(ends.slice(i, i + BULK_WRITE_STATEMENTS), { ordered: false });
    return abandoned.length;
  }

  /** Host records silent since before `seenBefore`; run after endAbandoned, so none has a session left to date. */
  async removeHostsSilentSince(seenBefore: Date): Promise<void> {
    await this.hosts.deleteMany({ seenAt: { $lt: seenBefore } });
  }

  /**
   * Sessions started in [from, to) and the audio they relayed: what an ended session stored, and for one still
   * `live` (running, or of a crashed instance retention has not ended yet) what its host's last heartbeat
   * recorded, at most 20 s old.
   */
  async usageForTenant(tenantId: string, from: Date, to: Date): Promise<{ sessions: number; audioSeconds: number }> {
    const inRange = { tenantId, startedAt: { $gte: from, $lt: to } };
    const [[row], live] = await Promise.all([
      this.sessions.aggregate<{ sessions: number; audioSeconds: number }>([
        { $match: inRange },
        { $group: { _id: null, sessions: { $sum: 1 }, audioSeconds: { $sum: '$audioSeconds' } } },
      ]),
      this.sessions.find({ ...inRange, status: 'live' }, { hostId: 1 }).lean(),
    ]);
    const hosts = await this.hostsById(live.flatMap((session) => (session.hostId ? [session.hostId] : [])));
    const liveAudio = live.reduce((sum, session) => sum + (audioAtLastBeat(session, hosts) ?? 0), 0);
    const audioSeconds = (row?.audioSeconds ?? 0) + liveAudio;
    return { sessions: row?.sessions ?? 0, audioSeconds: Math.round(audioSeconds * 1000) / 1000 };
  }

  async findForTenant(tenantId: string, sessionId: string): Promise<LiveSessionDocument | undefined> {
    // Read by id alone and compared here: an `_id`-only filter is a point read on every MongoDB-wire server.
    const session = await this.sessions.findById(sessionId).lean();
    return session && session.tenantId === tenantId ? (await this.withLostHosts([session]))[0] : undefined;
  }

  /**
   * Stores final lines in one round trip. A line already stored (same session and seq: a retried batch)
   * is skipped; the others are still written (unordered insert).
   */
  async addLines(lines: NewCaptionLine[]): Promise<void> {
    if (lines.length === 0) return;
    const docs = lines.map((line) => ({ ...line, _id: `${line.sessionId}:${line.seq}` }));
    try {
      await this.lines.insertMany(docs, { ordered: false, lean: true });
    } catch (error) {
      const writeErrors = (error as { writeErrors?: unknown[] }).writeErrors;
      const onlyDuplicates = writeErrors ? writeErrors.every(isDuplicateKeyError) : isDuplicateKeyError(error);
      if (!onlyDuplicates) throw error;
    }
  }

  /** The tenant's sessions, newest first, after the session id `after` (ids sort by start time). */
  async listForTenant(
    tenantId: string,
    options: { limit: number; after?: string },
  ): Promise<{ sessions: LiveSessionDocument[]; hasMore: boolean }> {
    const rows = await this.sessions
      .find({ tenantId, ...(options.after ? { _id: { $lt: options.after } } : {}) })
      .sort({ _id: -1 })
      .limit(options.limit + 1)
      .lean();
    return { sessions: await this.withLostHosts(rows.slice(0, options.limit)), hasMore: rows.length > options.limit };
  }

  /** How many final lines the session has stored. */
  async lineCount(sessionId: string): Promise<number> {
    return this.lines.countDocuments({ sessionId });
  }

  /** Sessions started after `after` and before `to`, oldest first: what the retention sweep walks. */
  async startedBetween(after: SweepPosition, to: Date, limit: number): Promise<{ _id: string; startedAt: Date }[]> {
    return this.sessions
      .find(sweepWindowFilter('startedAt', after, to), { _id: 1, startedAt: 1 })
      .sort({ startedAt: 1, _id: 1 })
      .limit(limit)
      .lean();
  }

  /** Deletes the sessions' final lines and notes when and why, so their transcript reads as removed, not empty. */
  async removeLines(sessionIds: string[], by: LinesRemovedBy): Promise<void> {
    if (sessionIds.length === 0) return;
    await this.lines.deleteMany({ sessionId: { $in: sessionIds } });
    await this.sessions.updateMany(
      { _id: { $in: sessionIds }, linesRemovedAt: { $exists: false } },
      { $set: { linesRemovedAt: new Date(), linesRemovedBy: by } },
    );
  }

  /** All final lines in order, or the last `limit` of them (for late viewers). */
  async captionLines(sessionId: string, limit?: number): Promise<LiveCaptionLineDocument[]> {
    if (limit === undefined) return this.lines.find({ sessionId }).sort({ seq: 1 }).lean();
    const newest = await this.lines.find({ sessionId }).sort({ seq: -1 }).limit(limit).lean();
    return newest.reverse();
  }
}

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
