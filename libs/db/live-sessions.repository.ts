import type { Connection, Model } from 'mongoose';
import {
  LIVE_CAPTION_LINE_MODEL,
  LIVE_SESSION_MODEL,
  LiveCaptionLineSchema,
  LiveSessionSchema,
  type LinesRemovedBy,
  type LiveCaptionLineDocument,
  type NewCaptionLine,
  type LiveSessionDocument,
} from './live-session.schema';
import { modelOn } from './model-on';
import { isDuplicateKeyError } from './mongo-errors';

export class LiveSessionsRepository {
  private readonly sessions: Model<LiveSessionDocument>;
  private readonly lines: Model<LiveCaptionLineDocument>;

  constructor(connection: Connection) {
    this.sessions = modelOn(connection, LIVE_SESSION_MODEL, LiveSessionSchema);
    this.lines = modelOn(connection, LIVE_CAPTION_LINE_MODEL, LiveCaptionLineSchema);
  }

  async init(): Promise<void> {
    await Promise.all([this.sessions.init(), this.lines.init()]);
  }

  async start(session: Omit<LiveSessionDocument, 'status' | 'startedAt'>): Promise<LiveSessionDocument> {
    return (await this.sessions.create({ ...session, status: 'live', startedAt: new Date() })).toObject();
  }

  async end(sessionId: string, reason: string): Promise<void> {
    await this.sessions.updateOne(
      { _id: sessionId, status: 'live' },
      { $set: { status: 'ended', endedAt: new Date(), endReason: reason } },
    );
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

  /** Sessions started in [from, to), oldest first: what the retention sweep walks. */
  async startedBetween(from: Date, to: Date, limit: number): Promise<{ _id: string; startedAt: Date }[]> {
    return this.sessions
      .find({ startedAt: { $gte: from, $lt: to } }, { _id: 1, startedAt: 1 })
      .sort({ startedAt: 1 })
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
