import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface VerifiedWebhook {
  id: string;
  type: string;
  payload: { type: string; data: { job: { id: string; status: string } } };
}

/**
 * The demo's webhook endpoint: verifies each delivery's Standard Webhooks signature with the tenant's
 * secret (401 if it does not verify, so Voxflow would retry) and hands verified events to the caller.
 */
export async function startVerifyingReceiver(
  secret: string,
): Promise<{ url: string; next(timeoutMs: number): Promise<VerifiedWebhook>; close(): void }> {
  const verifier = new Webhook(secret);
  const waiting: ((event: VerifiedWebhook) => void)[] = [];
  const received: VerifiedWebhook[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      try {
        const payload = verifier.verify(body, req.headers as Record<string, string>) as VerifiedWebhook['payload'];
        res.writeHead(204).end();
        const event = { id: String(req.headers['webhook-id']), type: payload.type, payload };
        const waiter = waiting.shift();
        if (waiter) waiter(event);
        else received.push(event);
      } catch {
        res.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/voxflow`,
    next: (timeoutMs) =>
      new Promise((resolvePromise, reject) => {
        const queued = received.shift();
        if (queued) return resolvePromise(queued);
        const timer = setTimeout(
          () => reject(new Error(`no verified webhook within ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
        waiting.push((event) => {
          clearTimeout(timer);
          resolvePromise(event);
        });
      }),
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
