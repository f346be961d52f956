import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `vfk_` + 40 random base62 characters (≈ 238 bits). Shown once; only its hash is stored. */
export function generateApiKey(): string {
  let key = 'vfk_';
  // Rejection sampling keeps every character uniformly likely.
  while (key.length < 44) {
    for (const byte of randomBytes(48)) {
      if (byte < 248 && key.length < 44) key += ALPHABET[byte % 62];
    }
  }
  return key;
}

export const API_KEY_PATTERN = /^vfk_[A-Za-z0-9_-]{32,}$/;

/** Keys are high-entropy secrets, so one SHA-256 suffices (no slow hash needed, unlike passwords). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** What may be shown later to recognise a key: `vfk_` and its next 8 characters. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, 12);
}
