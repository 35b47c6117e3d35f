import { loginKeyVectors } from '@sva/contracts';
import { describe, expect, it } from 'vitest';
import { createLoginHasher } from './login-keys.ts';

describe('login keys in the gateway (R2, R14)', () => {
  it.each(loginKeyVectors)('when hashing the $loginField vector, then it matches the contract', (vector) => {
    const hasher = createLoginHasher(vector.hashKey);
    expect(hasher.key(vector.loginField, vector.login)).toBe(vector.key);
    expect(hasher.verifier(vector.loginField, vector.password)).toBe(vector.verifier);
  });
});
