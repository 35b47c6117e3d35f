/**
 * Subscriber ids as the view keeps them. subscriptions makes them as 16 random bytes written in
 * base64url (22 characters, R13); the view keeps those 16 bytes (4 big-endian words) instead of
 * the text, and any id of another form whole, beside the columns. The base64url codec is Buffer's.
 */

/** The canonical unpadded base64url text of 16 bytes: 22 characters, the last carrying 4 zero bits. */
const COMPACT_ID = /^[A-Za-z0-9_-]{21}[AQgw]$/;
const scratch = Buffer.alloc(16);

/** Read a canonical 22-character base64url id into 4 words at `out[offset…]`; false when `text` is not one. */
export function decodeCompactId(text: string, out: Int32Array, offset: number): boolean {
  if (text.length !== 22 || !COMPACT_ID.test(text)) return false;
  scratch.write(text, 0, 16, 'base64url');
  for (let i = 0; i < 4; i++) out[offset + i] = scratch.readInt32BE(i * 4);
  return true;
}

/** The 22-character base64url text of 4 words at `words[offset…]`. */
export function encodeCompactId(words: Int32Array, offset: number): string {
  for (let i = 0; i < 4; i++) scratch.writeInt32BE(words[offset + i]!, i * 4);
  return scratch.toString('base64url', 0, 16);
}
