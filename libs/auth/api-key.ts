import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `prefix` + 40 random base62 characters (≈ 238 bits). */
export function randomSecret(prefix: string): string {
  let secret = prefix;
  const length = prefix.length + 40;
  // Rejection sampling keeps every character uniformly likely.
  while (secret.length < length) {
    for (const byte of randomBytes(48)) {
      if (byte < 248 && secret.length < length) secret += ALPHABET[byte % 62];
    }
  }
  return secret;
}

/** `vfk_` + 40 random base62 characters. Shown once; only its hash is stored. */
export const generateApiKey = () => randomSecret('vfk_');

export const API_KEY_PATTERN = /^vfk_[A-Za-z0-9_-]{32,}$/;

/** Keys and tokens are high-entropy secrets, so one SHA-256 suffices (no slow hash needed, unlike passwords). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** What may be shown later to recognise a key: `vfk_` and its next 8 characters. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, 12);
}

/** A live session's viewer token: `vvt_` + 40 random base62 characters, stored hashed like a key. */
export const generateViewerToken = () => randomSecret('vvt_');
export const VIEWER_TOKEN_PATTERN = /^vvt_[A-Za-z0-9]{40}$/;
