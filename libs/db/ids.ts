import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * `prefix_` + a ULID-style id: 10 characters of millisecond time, then 16 random ones. Ids sort by
 * creation time, which keeps "newest first" listings and cursors cheap, and the prefix says what it names.
 */
export function newId(prefix: string, now = Date.now()): string {
  let time = '';
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  let random = '';
  for (const byte of randomBytes(16)) random += CROCKFORD[byte % 32];
  return `${prefix}_${time}${random}`;
}
