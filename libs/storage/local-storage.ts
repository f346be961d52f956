import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export class SizeLimitExceededError extends Error {
  constructor(readonly limitBytes: number) {
    super(`larger than the ${limitBytes}-byte limit`);
    this.name = 'SizeLimitExceededError';
  }
}

export class StreamStalledError extends Error {
  constructor(readonly idleMs: number) {
    super(`no data for ${Math.round(idleMs / 1000)} s`);
    this.name = 'StreamStalledError';
  }
}

export interface WriteOptions {
  maxBytes: number;
  /** Abort when the source sends nothing for this long (default 30 s). */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  /** Called as bytes arrive (for heartbeats and progress). */
  onProgress?: (bytes: number) => void;
  /** Sees the first bytes once, to reject content early (e.g. HTML instead of audio). */
  inspectHead?: (head: Buffer) => void;
}

export interface StoredObject {
  key: string;
  bytes: number;
  sha256: string;
}

/**
 * Media storage on a local (or shared, e.g. NFS/EFS) directory. ffmpeg needs file paths, so workers and
 * the API must see the same directory. Writes stream through a size limiter into `<key>.partial` and are
 * renamed into place only when complete: a reader never sees half a file, a failure leaves nothing behind.
 */
export class LocalStorage {
  constructor(readonly root: string) {}

  /** Absolute path of a key; refuses keys that would escape the root. */
  path(key: string): string {
    const relative = normalize(key);
    if (
      relative.startsWith('..') ||
      relative.startsWith(sep) ||
      relative.includes(`${sep}..${sep}`) ||
      key.includes('\0')
    ) {
      throw new Error(`invalid storage key ${JSON.stringify(key)}`);
    }
    return join(this.root, relative);
  }

  async write(key: string, source: Readable, options: WriteOptions): Promise<StoredObject> {
    const target = this.path(key);
    const partial = `${target}.partial`;
    await mkdir(dirname(target), { recursive: true });
    const hash = createHash('sha256');
    let bytes = 0;
    let head: Buffer | undefined = options.inspectHead ? Buffer.alloc(0) : undefined;
    const idleMs = options.idleTimeoutMs ?? 30_000;
    const stall = new AbortController();
    const idleTimer = setTimeout(() => stall.abort(new StreamStalledError(idleMs)), idleMs);

    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        if (bytes > options.maxBytes) return callback(new SizeLimitExceededError(options.maxBytes));
        if (head && options.inspectHead) {
          head = Buffer.concat([head, chunk]);
          if (head.length >= 64) {
            try {
              options.inspectHead(head);
            } catch (error) {
              return callback(error as Error);
            }
            head = undefined;
          }
        }
        hash.update(chunk);
        options.onProgress?.(bytes);
        idleTimer.refresh();
        callback(null, chunk);
      },
      flush(callback) {
        try {
          if (head && options.inspectHead) options.inspectHead(head);
          callback();
        } catch (error) {
          callback(error as Error);
        }
      },
    });

    const signal = options.signal ? AbortSignal.any([options.signal, stall.signal]) : stall.signal;
    try {
      await pipeline(source, meter, createWriteStream(partial), { signal });
      await rename(partial, target);
      return { key, bytes, sha256: hash.digest('hex') };
    } catch (error) {
      source.destroy();
      await rm(partial, { force: true });
      throw stall.signal.aborted ? stall.signal.reason : error;
    } finally {
      clearTimeout(idleTimer);
    }
  }

  read(key: string): Readable {
    return createReadStream(this.path(key));
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.path(key))).size;
    } catch {
      return undefined;
    }
  }

  /** Removes a key, or a whole prefix ("jobs/job_x/work"); returns whether it existed. Missing is fine. */
  async remove(keyOrPrefix: string): Promise<boolean> {
    const existed = (await this.size(keyOrPrefix)) !== undefined;
    await rm(this.path(keyOrPrefix), { recursive: true, force: true });
    return existed;
  }
}

/** Where a job keeps its files. `work/` holds temporary chunks, removed when the job ends. */
export const jobKeys = {
  root: (jobId: string) => `jobs/${jobId}`,
  source: (jobId: string) => `jobs/${jobId}/source`,
  work: (jobId: string) => `jobs/${jobId}/work`,
  normalized: (jobId: string) => `jobs/${jobId}/work/audio.wav`,
  chunk: (jobId: string, index: number) => `jobs/${jobId}/work/chunk-${String(index).padStart(4, '0')}.wav`,
  /** Long transcripts' segments and words (TranscriptStore), one file per language. */
  transcripts: (jobId: string) => `jobs/${jobId}/transcripts`,
  transcript: (jobId: string, language: string) => `jobs/${jobId}/transcripts/${language}.json`,
};
