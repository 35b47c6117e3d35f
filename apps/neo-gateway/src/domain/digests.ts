import { hash, timingSafeEqual } from 'node:crypto';

/**
 * Digests as the contracts carry them, with `node:crypto` only: the gateway keeps the SHA-256 of
 * each callback secret (R3) and HMAC login keys and verifiers (`login-keys.ts`), and compares
 * secrets in constant time.
 */

/** SHA-256 of the UTF-8 text (one-shot `crypto.hash`, Node ≥ 20.12). */
export function sha256(text: string): Buffer {
  return hash('sha256', text, 'buffer');
}

/**
 * Equality of two secret byte strings in time independent of their contents (`timingSafeEqual`).
 * Different lengths are unequal at once: lengths are fixed by the formats, never secret.
 */
export function secretsEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}

/** The canonical unpadded base64url text of 32 bytes: 43 characters, the last carrying 2 zero bits. */
const DIGEST_TEXT = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/**
 * The 32 bytes of a digest written as canonical unpadded base64url (as the contracts carry keys,
 * verifiers and secret hashes), or undefined when `text` is not one. Buffer's decoder skips
 * characters outside the alphabet, so the text is checked first.
 */
export function decodeDigest(text: string): Buffer | undefined {
  return DIGEST_TEXT.test(text) ? Buffer.from(text, 'base64url') : undefined;
}
