/**
 * Subscriber ids as the view keeps them. subscriptions makes them as 16 random bytes written in
 * base64url (22 characters, R13); the view keeps those 16 bytes (4 words) instead of the text, and
 * any id of another form whole, beside the columns.
 */

import { decodeBase64urlWords, encodeBase64urlWords } from '../domain/base64url-words.ts';

/** Read a canonical 22-character base64url id into 4 words at `out[offset…]`; false when `text` is not one. */
export function decodeCompactId(text: string, out: Int32Array, offset: number): boolean {
  return decodeBase64urlWords(text, 4, out, offset);
}

/** The 22-character base64url text of 4 words at `words[offset…]`. */
export function encodeCompactId(words: Int32Array, offset: number): string {
  return encodeBase64urlWords(words, offset, 4);
}
