import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A Standard Webhooks secret: `whsec_` + base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * Standard Webhooks headers. With several active secrets (during a rotation's grace period) every
 * signature is sent, space-separated, so receivers verify with whichever secret they hold.
 */
export function signatureHeaders(
  eventId: string,
  body: string,
  secrets: readonly string[],
  now = new Date(),
): Record<string, string> {
  if (secrets.length === 0) throw new Error('no webhook signing secret');
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(eventId, now, body)).join(' '),
  };
}
