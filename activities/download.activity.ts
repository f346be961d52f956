import { Context } from '@temporalio/activity';
import { JOB_ERROR_CODES } from '../libs/contracts/job';
import { UnsupportedMediaError } from '../libs/media/media-errors';
import { jobKeys, SizeLimitExceededError, StreamStalledError } from '../libs/storage/local-storage';
import type { DownloadedSource } from '../libs/contracts/activities';
import type { ActivityDeps } from './activity-deps';
import { classify, permanent, transient } from './failures';
import { keepHeartbeating } from './heartbeat';

/** Text masquerading as media (an HTML error page, JSON) is refused before a byte more is stored. */
export function refuseTextContent(head: Buffer): void {
  const start = head.subarray(0, 64).toString('utf8').trimStart().toLowerCase();
  if (/^(<!doctype|<html|<\?xml|<head|<body|\{"|\[\{)/.test(start)) {
    throw new UnsupportedMediaError('the URL returned a web page or JSON, not audio or video');
  }
}

function failureForStatus(status: number, url: string) {
  const message = `the source answered HTTP ${status} (${url})`;
  if (status === 404 || status === 410) return permanent(JOB_ERROR_CODES.sourceNotFound, message);
  if (status === 401 || status === 403) return permanent(JOB_ERROR_CODES.sourceForbidden, message);
  if (status === 408 || status === 429 || status >= 500) return transient(JOB_ERROR_CODES.sourceUnreachable, message);
  return permanent(JOB_ERROR_CODES.sourceUnreachable, message);
}

/**
 * Streams `audio_url` into storage: http(s) only, SSRF rules enforced per hop and at connect time,
 * at most MAX_UPLOAD_BYTES, aborted after 30 s without data. The file appears whole or not at all.
 */
export function createSourceDownloader({ http, storage, config }: Pick<ActivityDeps, 'http' | 'storage' | 'config'>) {
  return async function downloadSource({ jobId, url }: { jobId: string; url: string }): Promise<DownloadedSource> {
    const { cancellationSignal } = Context.current();
    let received = 0;
    // Beats while waiting for headers too, not only while bytes flow.
    const stopHeartbeat = keepHeartbeating(() => ({ bytes: received }));
    const maxBytes = config.storage.maxUploadBytes;
    try {
      const response = await http.request({ url, timeoutMs: 30_000, maxRedirects: 5, signal: cancellationSignal });
      if (response.status < 200 || response.status >= 300) {
        response.body.destroy();
        throw failureForStatus(response.status, response.url);
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        response.body.destroy();
        throw permanent(JOB_ERROR_CODES.sourceTooLarge, `the source is ${declared} bytes; the limit is ${maxBytes}`);
      }
      const stored = await storage.write(jobKeys.source(jobId), response.body, {
        maxBytes,
        signal: cancellationSignal,
        onProgress: (bytes) => (received = bytes),
        inspectHead: refuseTextContent,
      });
      return { storageKey: stored.key, bytes: stored.bytes, contentType: response.headers['content-type'] };
    } catch (error) {
      if (error instanceof SizeLimitExceededError) {
        throw permanent(JOB_ERROR_CODES.sourceTooLarge, `the source is larger than the ${maxBytes}-byte limit`);
      }
      if (error instanceof StreamStalledError)
        throw transient(JOB_ERROR_CODES.sourceUnreachable, `the download stalled: ${error.message}`);
      const classified = classify(error);
      if (classified !== error) throw classified;
      const code = (error as { code?: string }).code;
      if (typeof code === 'string' && /^(E[A-Z]+|ERR_)/.test(code)) {
        throw transient(JOB_ERROR_CODES.sourceUnreachable, `could not reach the source: ${(error as Error).message}`);
      }
      throw error;
    } finally {
      stopHeartbeat();
    }
  };
}
