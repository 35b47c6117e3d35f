import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHmacSha256, decodeDigest, digestWords, sha256, wordsEqual } from './sha256.ts';

const words = (digest: Buffer) => Array.from(digestWords(digest));

describe('SHA-256 and HMAC-SHA256 of short strings', () => {
  it('when hashing the FIPS 180-2 examples, then the digests are the standard ones', () => {
    expect(words(Buffer.from('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'hex'))).toEqual(Array.from(sha256('abc', new Int32Array(8))));
    expect(words(Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex'))).toEqual(Array.from(sha256('', new Int32Array(8))));
  });

  it('when hashing any string (ASCII, Unicode, lone surrogates, block boundaries), then it matches node:crypto', () => {
    const out = new Int32Array(8);
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ minLength: 50, maxLength: 130 })), (text) => {
        expect(Array.from(sha256(text, out))).toEqual(words(createHash('sha256').update(text).digest()));
      }),
      { numRuns: 2_000 },
    );
  });

  it('when computing an HMAC of prefix + text with any key, then it matches node:crypto', () => {
    const out = new Int32Array(8);
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 100 }), fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 300 }), (key, prefix, text) => {
        const mac = createHmacSha256(key);
        expect(Array.from(mac.digest(prefix, text, out))).toEqual(words(createHmac('sha256', key).update(prefix + text).digest()));
      }),
      { numRuns: 2_000 },
    );
  });

  it('when computing an HMAC of the digits of a text (R2 CPF), then it equals the HMAC of the digits only', () => {
    const mac = createHmacSha256('test-login-hash-key-0123456789abcdef');
    const out = new Int32Array(8);
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const digits = text.replace(/\D/g, '');
        expect(Array.from(mac.digest('cpf_cnpj:', text, out, 'digits'))).toEqual(
          words(createHmac('sha256', 'test-login-hash-key-0123456789abcdef').update(`cpf_cnpj:${digits}`).digest()),
        );
      }),
      { numRuns: 1_000 },
    );
  });

  it('when a message is longer than the scratch buffer, then it still hashes right', () => {
    const long = 'é'.repeat(5_000);
    expect(Array.from(sha256(long, new Int32Array(8)))).toEqual(words(createHash('sha256').update(long).digest()));
    const mac = createHmacSha256('k'.repeat(100));
    expect(Array.from(mac.digest('p:'.repeat(300), long, new Int32Array(8)))).toEqual(words(createHmac('sha256', 'k'.repeat(100)).update('p:'.repeat(300) + long).digest()));
  });

  it('when decoding base64url digests, then canonical 43-character ones decode and anything else is refused', () => {
    const out = new Int32Array(8);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        expect(decodeDigest(Buffer.from(bytes).toString('base64url'), out)).toBe(true);
        expect(Array.from(out)).toEqual(words(Buffer.from(bytes)));
      }),
    );
    expect(decodeDigest('x'.repeat(42), out)).toBe(false);
    expect(decodeDigest(`${'A'.repeat(42)}=`, out)).toBe(false);
    expect(decodeDigest(`${'A'.repeat(42)}B`, out)).toBe(false);
    expect(decodeDigest(`${'A'.repeat(42)}é`, out)).toBe(false);
  });

  it('when comparing digests, then only equal prefixes are equal', () => {
    const a = new Int32Array([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(wordsEqual(a, 0, new Int32Array([1, 2, 3, 4, 0, 0, 0, 0]), 0, 4)).toBe(true);
    expect(wordsEqual(a, 0, new Int32Array([1, 2, 3, 5]), 0, 4)).toBe(false);
    expect(wordsEqual(a, 4, new Int32Array([9, 5, 6]), 1, 2)).toBe(true);
  });
});
