import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeDigest, secretsEqual, sha256 } from './digests.ts';

describe('digests (R3): node:crypto only', () => {
  it('R3: when hashing any text, then sha256 is the standard SHA-256 of its UTF-8 bytes', () => {
    expect(sha256('abc').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        expect(sha256(text)).toEqual(createHash('sha256').update(text).digest());
      }),
    );
  });

  it('R3: when comparing secrets, then only equal bytes of equal length are equal', () => {
    const a = randomBytes(32);
    expect(secretsEqual(a, Buffer.from(a))).toBe(true);
    const b = Buffer.from(a);
    b[31] = b[31]! ^ 1;
    expect(secretsEqual(a, b)).toBe(false);
    expect(secretsEqual(a, a.subarray(0, 31))).toBe(false);
  });

  it('when a digest is written as canonical unpadded base64url, then it decodes to its 32 bytes; any other text is refused', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        expect(decodeDigest(Buffer.from(bytes).toString('base64url'))).toEqual(Buffer.from(bytes));
      }),
    );
    for (const text of ['x'.repeat(42), `${'A'.repeat(42)}=`, `${'A'.repeat(42)}B`, `${'A'.repeat(42)}é`, `${'A'.repeat(41)}+A`, 'A'.repeat(44)]) {
      expect(decodeDigest(text)).toBeUndefined();
    }
  });
});
