/**
 * Base64url text (unpadded, as the contracts carry ids, keys and verifiers) read into and written
 * from 32-bit words, so the view can hold them in typed arrays instead of strings.
 */

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const values = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) values[alphabet.charCodeAt(i)] = i;

/** Characters of the unpadded base64url text of `words` 32-bit words. */
export const base64urlLength = (words: number): number => Math.ceil((words * 32) / 6);

/**
 * Read the canonical unpadded base64url text of `words` words into `out[offset…]`; false when
 * `text` is not exactly that (wrong length, a character outside the alphabet, or non-zero padding
 * bits, which a canonical encoder never writes).
 */
export function decodeBase64urlWords(text: string, words: number, out: Int32Array, offset: number): boolean {
  const length = base64urlLength(words);
  if (text.length !== length) return false;
  let acc = 0;
  let bits = 0;
  let word = 0;
  let byteInWord = 0;
  let written = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? values[code]! : -1;
    if (value < 0) return false;
    acc = ((acc << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      word = (word << 8) | ((acc >>> bits) & 0xff);
      if (++byteInWord === 4) {
        out[offset + written++] = word;
        word = 0;
        byteInWord = 0;
      }
    }
  }
  return written === words && (acc & ((1 << bits) - 1)) === 0;
}

/** The unpadded base64url text of `words` words at `source[offset…]`. */
export function encodeBase64urlWords(source: Int32Array, offset: number, words: number): string {
  const codes = new Array<number>(base64urlLength(words));
  let acc = 0;
  let bits = 0;
  let at = 0;
  for (let i = 0; i < words * 4; i++) {
    const byte = (source[offset + (i >> 2)]! >>> (24 - 8 * (i & 3))) & 0xff;
    acc = ((acc << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      codes[at++] = alphabet.charCodeAt((acc >>> bits) & 63);
    }
  }
  if (bits > 0) codes[at] = alphabet.charCodeAt((acc << (6 - bits)) & 63);
  return String.fromCharCode.apply(null, codes);
}
