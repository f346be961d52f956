import { Logger } from '@nestjs/common';
import type { Collection } from 'mongoose';

/** MongoDB's code for dropping an index that is not there (another process dropped it first). */
const INDEX_NOT_FOUND = 27;

const logger = new Logger('RetiredIndexes');

/**
 * Drops indexes that earlier versions declared and today's schema does not. Mongoose builds the indexes a
 * schema declares but never removes one, and every write keeps maintaining an index nobody reads. A failure
 * is logged, not thrown: an index left behind costs writes, not correctness.
 */
export async function dropRetiredIndexes(collection: Collection, names: readonly string[]): Promise<string[]> {
  const dropped: string[] = [];
  try {
    const existing = new Set((await collection.indexes()).map((index) => index.name));
    for (const name of names.filter((retired) => existing.has(retired))) {
      try {
        await collection.dropIndex(name);
        dropped.push(name);
      } catch (error) {
        if ((error as { code?: unknown }).code !== INDEX_NOT_FOUND) throw error;
      }
    }
  } catch (error) {
    logger.warn({ err: error, collection: collection.name }, 'retired indexes not dropped');
  }
  if (dropped.length > 0) logger.log({ collection: collection.name, dropped }, 'retired indexes dropped');
  return dropped;
}
