import { Schema } from 'mongoose';

/** A field every document has. */
export const requiredString = { type: String, required: true } as const;
export const requiredNumber = { type: Number, required: true } as const;

/** Options of a collection whose documents are written once: a creation time, no version key. */
export const writtenOnce = (collection: string) =>
  ({ collection, timestamps: { createdAt: true, updatedAt: false }, versionKey: false }) as const;

/** A transcript's segments and words, as chunk results and merged transcripts store them. */
export const SegmentSchema = new Schema({ start: Number, end: Number, text: String, speaker: Number }, { _id: false });
export const WordSchema = new Schema(
  { start: Number, end: Number, word: String, confidence: Number, speaker: Number },
  { _id: false },
);

/** A record of one tenant in a `writtenOnce` collection. */
export interface TenantRecord {
  _id: string;
  tenantId: string;
  createdAt: Date;
}

/** The stored fields of a TenantRecord (`createdAt` comes from the collection's timestamps). */
export const tenantRecordFields = { _id: requiredString, tenantId: requiredString } as const;
