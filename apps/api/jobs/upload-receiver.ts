import { HttpStatus } from '@nestjs/common';
import Busboy from 'busboy';
import type { Request } from 'express';
import { basename } from 'node:path';
import {
  SizeLimitExceededError,
  StreamStalledError,
  type LocalStorage,
  type StoredObject,
} from '../../../libs/storage/local-storage';
import { isStorageFull } from '../../../libs/media/media-errors';
import { ApiError } from '../common/api-error';

export interface ReceivedUpload {
  /** Form fields, repeated names collected into arrays. */
  fields: Record<string, string | string[]>;
  file?: StoredObject & { filename?: string; contentType: string };
}

const MAX_FIELDS = 20;
const MAX_FIELD_BYTES = 8 * 1024;
/** After refusing an upload, this much more is read and discarded so the client can read the refusal. */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
const DRAIN_MAX_MS = 10_000;

/**
 * Discards the rest of a refused request body (bounded), so the client sees our 4xx instead of a reset
 * connection; a client that keeps sending past the bound is cut off.
 */
function drain(req: Request): void {
  let drained = 0;
  const timer = setTimeout(() => req.destroy(), DRAIN_MAX_MS);
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_MAX_BYTES) req.destroy();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

/** Keeps a client's file name for display only; it never becomes part of a path. */
export function safeFilename(name: string | undefined): string | undefined {
  if (!name) return undefined;
  // Control characters (newlines in logs, NUL) are dropped; only printable text remains.
  const printable = [...name].filter((char) => char.charCodeAt(0) >= 0x20 && char.charCodeAt(0) !== 0x7f).join('');
  const cleaned = basename(printable.replace(/\\/g, '/')).trim().slice(0, 200);
  return cleaned && cleaned !== '.' && cleaned !== '..' ? cleaned : undefined;
}

/**
 * Streams a multipart request: the one `file` part goes straight into storage at `storageKey` (never held
 * whole in memory, at most `maxBytes`, aborted after `idleTimeoutMs` without data), the other parts become fields.
 * Over the limit: 413, and the partial file is gone.
 */
export function receiveUpload(
  req: Request,
  storage: LocalStorage,
  storageKey: string,
  maxBytes: number,
  idleTimeoutMs: number,
): Promise<ReceivedUpload> {
  return new Promise((resolvePromise, reject) => {
    let parser: Busboy.Busboy;
    try {
      parser = Busboy({
        headers: req.headers,
        limits: {
          files: 1,
          fields: MAX_FIELDS,
          fieldSize: MAX_FIELD_BYTES,
          parts: MAX_FIELDS + 1,
          fileSize: maxBytes + 1,
        },
      });
    } catch {
      reject(new ApiError(HttpStatus.BAD_REQUEST, 'Malformed multipart body (missing boundary?).'));
      return;
    }
    // No prototype: a field named "__proto__" must not reach Object.prototype's setter.
    const fields: ReceivedUpload['fields'] = Object.create(null) as ReceivedUpload['fields'];
    let file: ReceivedUpload['file'];
    let writing: Promise<void> | undefined;
    let failed: ApiError | undefined;
    const fail = (error: ApiError) => {
      failed ??= error;
    };

    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        return fail(new ApiError(HttpStatus.BAD_REQUEST, `Unexpected file field "${name}": send the media as "file".`));
      }
      // Ends abruptly ("Unexpected end of form") when the request is cut; the write's outcome reports that.
      stream.on('error', () => undefined);
      writing = storage
        .write(storageKey, stream, { maxBytes, idleTimeoutMs })
        .then((stored) => {
          file = { ...stored, filename: safeFilename(info.filename), contentType: info.mimeType };
        })
        .catch((error: unknown) => {
          stream.resume();
          if (error instanceof SizeLimitExceededError) {
            fail(
              new ApiError(
                HttpStatus.PAYLOAD_TOO_LARGE,
                `The file is larger than the ${maxBytes}-byte limit.`,
                'payload_too_large',
              ),
            );
            void settle();
          } else if (error instanceof StreamStalledError) {
            fail(
              new ApiError(
                HttpStatus.BAD_REQUEST,
                `The upload stalled: ${error.message}.`,
                'upload_stalled',
                undefined,
                { connection: 'close' },
              ),
            );
            void settle();
          } else if (isStorageFull(error)) {
            fail(
              new ApiError(
                HttpStatus.INSUFFICIENT_STORAGE,
                'The server has no room for the upload right now; retry later.',
                'storage_full',
                undefined,
                { 'retry-after': '60', connection: 'close' },
              ),
            );
            void settle();
          } else {
            fail(new ApiError(HttpStatus.BAD_REQUEST, 'The upload was interrupted.'));
          }
        });
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated)
        return fail(new ApiError(HttpStatus.BAD_REQUEST, `Field "${name}" is longer than ${MAX_FIELD_BYTES} bytes.`));
      if (name === '__proto__')
        return fail(new ApiError(HttpStatus.BAD_REQUEST, `Field name "${name}" is not allowed.`));
      const existing = fields[name];
      fields[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    });
    parser.on('filesLimit', () => fail(new ApiError(HttpStatus.BAD_REQUEST, 'Send one file per job.')));
    parser.on('fieldsLimit', () => fail(new ApiError(HttpStatus.BAD_REQUEST, `At most ${MAX_FIELDS} fields.`)));
    parser.on('partsLimit', () => fail(new ApiError(HttpStatus.BAD_REQUEST, 'Too many parts.')));
    parser.on('error', () => {
      fail(new ApiError(HttpStatus.BAD_REQUEST, 'Malformed multipart body.'));
      void settle();
    });
    parser.on('close', () => void settle());
    req.on('aborted', () => fail(new ApiError(HttpStatus.BAD_REQUEST, 'The client aborted the upload.')));

    let settled = false;
    async function settle() {
      if (settled) return;
      settled = true;
      await writing;
      if (failed) {
        req.unpipe(parser);
        drain(req);
        await storage.remove(storageKey);
        reject(failed);
      } else {
        resolvePromise({ fields, file });
      }
    }
    req.pipe(parser);
  });
}
