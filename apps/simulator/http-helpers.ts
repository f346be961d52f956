import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SIMULATED_HEADER } from '../../libs/providers/transcript';

export class PayloadTooLargeError extends Error {}

/** Every simulator answer says it is simulated. */
export function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, [SIMULATED_HEADER]: 'true' });
  res.end(payload);
}

export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.destroy();
        reject(new PayloadTooLargeError(`body over ${limitBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolvePromise(Buffer.concat(chunks)));
    req.once('error', reject);
    rejectIfClientLeaves(req, reject);
  });
}

/**
 * A client that dies mid-upload (a killed worker) never ends the body: reading it must give up instead of
 * waiting forever (and the request must stop counting as in flight).
 */
export function rejectIfClientLeaves(req: IncomingMessage, reject: (error: Error) => void): void {
  req.once('close', () => {
    if (!req.complete) reject(new Error('the client went away during the upload'));
  });
}

/** Waits, unless the client goes away first (a cancelled activity must free the simulator too). */
export function delay(ms: number, req: IncomingMessage): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(resolvePromise, ms);
    req.socket.once('close', () => {
      clearTimeout(timer);
      resolvePromise();
    });
  });
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  const match = /^(?:Bearer|Token)\s+(.+)$/i.exec(header);
  return match?.[1];
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function requestId(): string {
  return `sim-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
