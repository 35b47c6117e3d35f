import { LoginField, loginKeyVectors } from '@sva/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLoginDigests, createLoginHasher } from './login-keys.ts';
import { decodeDigest } from './sha256.ts';

const words = (base64url: string) => {
  const out = new Int32Array(8);
  expect(decodeDigest(base64url, out)).toBe(true);
  return Array.from(out);
};

describe('login keys in the gateway (R2, R14)', () => {
  it.each(loginKeyVectors)('when hashing the $loginField vector, then it matches the contract', (vector) => {
    const hasher = createLoginHasher(vector.hashKey);
    expect(hasher.key(vector.loginField, vector.login)).toBe(vector.key);
    expect(hasher.verifier(vector.loginField, vector.password)).toBe(vector.verifier);
  });

  it.each(loginKeyVectors)('when computing digests of the $loginField vector, then they are the contract key and verifier', (vector) => {
    const digests = createLoginDigests(vector.hashKey);
    const out = new Int32Array(8);
    expect(Array.from(digests.key(vector.loginField, vector.login, out))).toEqual(words(vector.key));
    expect(Array.from(digests.verifier(vector.loginField, vector.password, out))).toEqual(words(vector.verifier));
  });

  it('R2: when digesting any login or password for any field, then digests equal the reference hasher', () => {
    const key = 'test-login-hash-key-0123456789abcdef';
    const hasher = createLoginHasher(key);
    const digests = createLoginDigests(key);
    const out = new Int32Array(8);
    fc.assert(
      fc.property(fc.constantFrom(...LoginField.options), fc.string({ maxLength: 60 }), (field, text) => {
        expect(Array.from(digests.key(field, text, out))).toEqual(words(hasher.key(field, text)));
        expect(Array.from(digests.verifier(field, text, out))).toEqual(words(hasher.verifier(field, text)));
      }),
      { numRuns: 2_000 },
    );
  });
});
