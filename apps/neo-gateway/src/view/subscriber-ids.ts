/**
 * Subscriber ids as the view keeps them. subscriptions makes them as 16 random bytes written in
 * base64url (22 characters, R13); the view keeps those 16 bytes (4 words) instead of the text, and
 * any id of another form whole, beside the columns.
 */

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const values = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) values[alphabet.charCodeAt(i)] = i;

/** Read a canonical 22-character base64url id into 4 words at `out[offset…]`; false when `text` is not one. */
export function decodeCompactId(text: string, out: Int32Array, offset: number): boolean {
  if (text.length !== 22) return false;
  let word = 0;
  let written = 0;
  let acc = 0;
  let bits = 0;
  let bytes = 0;
  for (let i = 0; i < 22; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? values[code]! : -1;
    if (value < 0) return false;
    acc = ((acc << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      word = (word << 8) | ((acc >>> bits) & 0xff);
      if (++bytes === 4) {
        out[offset + written++] = word;
        word = 0;
        bytes = 0;
      }
    }
  }
  // 22 characters carry 132 bits: the last 4 must be zero in a canonical encoding.
  return (acc & ((1 << bits) - 1)) === 0;
}

/** The 22-character base64url text of 4 words at `words[offset…]`. */
export function encodeCompactId(words: Int32Array, offset: number): string {
  const codes = new Array<number>(22);
  let acc = 0;
  let bits = 0;
  let at = 0;
  for (let i = 0; i < 16; i++) {
    const byte = (words[offset + (i >> 2)]! >>> (24 - 8 * (i & 3))) & 0xff;
    acc = ((acc << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      codes[at++] = alphabet.charCodeAt((acc >>> bits) & 63);
    }
  }
  codes[at] = alphabet.charCodeAt((acc << (6 - bits)) & 63);
  return String.fromCharCode.apply(null, codes);
}
