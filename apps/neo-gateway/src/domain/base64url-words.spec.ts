import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64urlLength, decodeBase64urlWords, encodeBase64urlWords } from './base64url-words.ts';

describe('base64url words', () => {
  it('when bytes are written as base64url, then they decode to their words and encode back to the same text, at any offset', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 3 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (words, offset, pool) => {
        const bytes = pool.subarray(0, words * 4);
        const text = Buffer.from(bytes).toString('base64url');
        expect(text).toHaveLength(base64urlLength(words));
        const out = new Int32Array(offset + words);
        expect(decodeBase64urlWords(text, words, out, offset)).toBe(true);
        const written = Buffer.alloc(words * 4);
        for (let i = 0; i < words; i++) written.writeInt32BE(out[offset + i]!, i * 4);
        expect(written).toEqual(Buffer.from(bytes));
        expect(encodeBase64urlWords(out, offset, words)).toBe(text);
      }),
    );
  });

  it('when text is not the canonical encoding, then it is refused', () => {
    const out = new Int32Array(4);
    for (const text of ['A'.repeat(21), 'A'.repeat(23), `${'A'.repeat(21)}B`, `${'A'.repeat(21)}=`, `${'A'.repeat(21)}é`, `${'A'.repeat(20)}+A`]) {
      expect(decodeBase64urlWords(text, 4, out, 0)).toBe(false);
    }
  });
});
