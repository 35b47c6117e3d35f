import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCompactId, encodeCompactId } from './subscriber-ids.ts';

describe('compact subscriber ids (R13)', () => {
  it('when an id is 16 bytes in base64url, then it decodes to 4 words and encodes back to the same text', () => {
    const words = new Int32Array(4);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64url');
        expect(decodeCompactId(text, words, 0)).toBe(true);
        expect(encodeCompactId(words, 0)).toBe(text);
      }),
    );
  });

  it('when an id has another form, then it is not compact', () => {
    const words = new Int32Array(4);
    for (const text of ['sub-0123456789', 'A'.repeat(21), 'A'.repeat(23), `${'A'.repeat(21)}B`, `${'A'.repeat(21)}=`, `${'A'.repeat(21)}é`]) {
      expect(decodeCompactId(text, words, 0)).toBe(false);
    }
  });
});
