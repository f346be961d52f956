import { Schema } from 'mongoose';
import { requiredString, requiredNumber } from './schema-parts';

/**
 * A live-caption session. Written by the API instance that holds the speaker's connection; afterwards only by
 * the retention sweep (ending sessions of crashed instances, removing lines) and a client's delete.
 */
/** How a live connection authenticated (a viewer token only ever watches). */
export const LIVE_AUTH_TYPES = ['api_key', 'jwt', 'viewer_token'] as const;
export type LiveAuthType = (typeof LIVE_AUTH_TYPES)[number];

export interface LiveSessionDocument {
  _id: string;
  tenantId: string;
  userId: string;
  authType: LiveAuthType;
  language: string;
  /** The API instance holding the speaker's connection (see LiveHostDocument). */
  hostId?: string;
  status: 'live' | 'ended';
  startedAt: Date;
  endedAt?: Date;
  endReason?: string;
  /** Audio relayed to the provider, for usage: recorded when the session ends (or from its host's last beat). */
  audioSeconds?: number;
  /** When the session's final lines were removed, and why: a client's delete, or TRANSCRIPT_RETENTION_DAYS. */
  linesRemovedAt?: Date;
  linesRemovedBy?: LinesRemovedBy;
}

export type LinesRemovedBy = 'request' | 'retention';

/** One final caption line (`_id` = `${sessionId}:${seq}`), times in seconds from the session start. Insert-only. */
export interface LiveCaptionLineDocument {
  _id: string;
  sessionId: string;
  seq: number;
  start: number;
  end: number;
  text: string;
  confidence?: number;
}

/** A line as a session produces it; its `_id` is derived when stored. */
export type NewCaptionLine = Omit<LiveCaptionLineDocument, '_id'>;

/** An API instance that holds live sessions, alive while it keeps `seenAt` fresh. */
export interface LiveHostDocument {
  _id: string;
  seenAt: Date;
  /** Audio seconds each of its running sessions had relayed at `seenAt`, kept for sessions it never ends. */
  audio?: Record<string, number>;
}

export const LIVE_SESSION_MODEL = 'LiveSession';
export const LIVE_HOST_MODEL = 'LiveHost';
export const LIVE_CAPTION_LINE_MODEL = 'LiveCaptionLine';

export const LiveSessionSchema = new Schema<LiveSessionDocument>(
  {
    _id: requiredString,
    tenantId: requiredString,
    userId: requiredString,
    authType: { type: String, enum: LIVE_AUTH_TYPES, required: true },
    language: requiredString,
    hostId: String,
    status: { type: String, enum: ['live', 'ended'], required: true },
    startedAt: { type: Date, required: true },
    endedAt: Date,
    endReason: String,
    audioSeconds: Number,
    linesRemovedAt: Date,
    linesRemovedBy: { type: String, enum: ['request', 'retention'] },
  },
  { collection: 'live_sessions', versionKey: false },
);
// A tenant's sessions, newest first (ids sort by start time).
LiveSessionSchema.index({ tenantId: 1, _id: -1 });
// A tenant's running sessions, counted against its live-session quota.
LiveSessionSchema.index({ tenantId: 1, status: 1 });
// The retention sweep walks sessions by start time, the id breaking ties between pages.
LiveSessionSchema.index({ startedAt: 1, _id: 1 });
// The sweep finds sessions left live by a crashed instance.
LiveSessionSchema.index({ status: 1, startedAt: 1 });

export const LiveCaptionLineSchema = new Schema<LiveCaptionLineDocument>(
  {
    _id: requiredString,
    sessionId: requiredString,
    seq: requiredNumber,
    start: Number,
    end: Number,
    text: String,
    confidence: Number,
  },
  { collection: 'live_caption_lines', versionKey: false },
);
LiveCaptionLineSchema.index({ sessionId: 1, seq: 1 });

export const LiveHostSchema = new Schema<LiveHostDocument>(
  { _id: requiredString, seenAt: { type: Date, required: true }, audio: Schema.Types.Mixed },
  { collection: 'live_hosts', versionKey: false },
);
