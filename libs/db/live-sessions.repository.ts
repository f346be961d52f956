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

/** Statements per bulk write (see writeEnds). */
const BULK_WRITE_STATEMENTS = 50;
/** Session indexes of earlier versions: by tenant and start time (the list now pages by id), by start alone. */
export const RETIRED_SESSION_INDEXES = ['tenantId_1_startedAt_-1', 'startedAt_1'] as const;

/** The end of a session its instance never recorded (it crashed). */
export interface SessionEnd {
  sessionId: string;
  endedAt: Date;
  /** The audio its host last recorded for it, if any. */
  audioSeconds?: number;
}

/**
 * Live sessions, their final lines and the API instances (hosts) that relay them. How a session of a lost
 * host reads is LiveSessionsService's rule; this only reads and writes.
 */
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

  /** Host records by id, each read by `_id` alone: a point read on every MongoDB-wire server (FerretDB scans `$in`). */
  async hostsById(hostIds: string[]): Promise<Map<string, LiveHostDocument>> {
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

  /** Sessions still `live` that started before `startedBefore`, at most `limit`. */
  async liveStartedBefore(
    startedBefore: Date,
    limit: number,
  ): Promise<Pick<LiveSessionDocument, '_id' | 'hostId' | 'startedAt'>[]> {
    return this.sessions
      .find({ status: 'live', startedAt: { $lt: startedBefore } }, { _id: 1, hostId: 1, startedAt: 1 })
      .limit(limit)
      .lean();
  }

  /** Records the ends of sessions still `live` as `server_lost`, keeping the larger audio figure. */
  async writeEnds(ends: SessionEnd[]): Promise<void> {
    const updates = ends.map(({ sessionId, endedAt, audioSeconds }): AnyBulkWriteOperation<LiveSessionDocument> => ({
      updateOne: {
        filter: { _id: sessionId, status: 'live' },
        update: {
          $set: { status: 'ended', endedAt, endReason: 'server_lost' },
          ...(audioSeconds === undefined ? {} : { $max: { audioSeconds } }),
        },
      },
    }));
    // FerretDB 1.24 never answers an update command of about 100 statements or more (50 is fine).
    for (let i = 0; i < updates.length; i += BULK_WRITE_STATEMENTS)
      await this.sessions.bulkWrite(updates.slice(i, i + BULK_WRITE_STATEMENTS), { ordered: false });
  }

  /** Host records silent since before `seenBefore`; run after their sessions' ends are written. */
  async removeHostsSilentSince(seenBefore: Date): Promise<void> {
    await this.hosts.deleteMany({ seenAt: { $lt: seenBefore } });
  }

  /**
   * Sessions started in [from, to): how many, the audio the ended ones stored, and those still `live` (whose
   * audio so far their hosts' heartbeats hold).
   */
  async usageForTenant(
    tenantId: string,
    from: Date,
    to: Date,
  ): Promise<{ sessions: number; audioSeconds: number; live: Pick<LiveSessionDocument, '_id' | 'hostId'>[] }> {
    const inRange = { tenantId, startedAt: { $gte: from, $lt: to } };
    const [[row], live] = await Promise.all([
      this.sessions.aggregate<{ sessions: number; audioSeconds: number }>([
        { $match: inRange },
        { $group: { _id: null, sessions: { $sum: 1 }, audioSeconds: { $sum: '$audioSeconds' } } },
      ]),
      this.sessions.find({ ...inRange, status: 'live' }, { hostId: 1 }).lean(),
    ]);
    return { sessions: row?.sessions ?? 0, audioSeconds: row?.audioSeconds ?? 0, live };
  }

  /** The tenant's sessions recorded as live, at most `limit` of them. */
  async liveOfTenant(tenantId: string, limit: number): Promise<LiveSessionDocument[]> {
    return this.sessions.find({ tenantId, status: 'live' }).limit(limit).lean();
  }

  async findForTenant(tenantId: string, sessionId: string): Promise<LiveSessionDocument | undefined> {
    // Read by id alone and compared here: an `_id`-only filter is a point read on every MongoDB-wire server.
    const session = await this.sessions.findById(sessionId).lean();
    return session && session.tenantId === tenantId ? session : undefined;
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
    return { sessions: rows.slice(0, options.limit), hasMore: rows.length > options.limit };
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
