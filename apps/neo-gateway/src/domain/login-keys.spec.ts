import { keyIdPrefix, LoginField, loginKeyId, loginKeyVectors } from '@sva/contracts';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLoginDigests, createLoginHasher, normaliseLogin } from './login-keys.ts';

const KEY = 'test-login-hash-key-0123456789abcdef';

describe('login keys in the gateway (R2, R14)', () => {
  it.each(loginKeyVectors)('when hashing the $loginField vector, then it matches the contract (key, bound and unbound verifiers)', (vector) => {
    const hasher = createLoginHasher(vector.hashKey);
    const id = keyIdPrefix(loginKeyId(vector.hashKey));
    expect(hasher.key(vector.loginField, vector.login)).toBe(id + vector.key);
    expect(hasher.verifier(vector.loginField, id + vector.key, vector.password)).toBe(id + vector.verifier);
    expect(hasher.unboundVerifier(vector.loginField, vector.password)).toBe(vector.unbound);
  });

  it.each(loginKeyVectors)('when computing digests of the $loginField vector, then they are the contract key and verifier', (vector) => {
    const digests = createLoginDigests(vector.hashKey);
    const key = digests.key(vector.loginField, vector.login);
    expect(key.toString('base64url')).toBe(vector.key);
    expect(`b1.${digests.verifier(vector.loginField, key, vector.password).toString('base64url')}`).toBe(vector.verifier);
    expect(digests.unboundVerifier(vector.loginField, vector.password).toString('base64url')).toBe(vector.unbound);
  });

  it('R2: when digesting any login or password for any field, then digests are node:crypto HMACs of the contract texts', () => {
    const digests = createLoginDigests(KEY);
    const mac = (text: string) => createHmac('sha256', KEY).update(text).digest();
    fc.assert(
      fc.property(fc.constantFrom(...LoginField.options), fc.string({ maxLength: 60 }), (field, text) => {
        const key = digests.key(field, text);
        expect(key).toEqual(mac(`${field}:${normaliseLogin(field, text)}`));
        const password = field === 'login_autenticacao' ? text : normaliseLogin(field, text);
        const unbound = mac(`pw:${password}`);
        expect(digests.unboundVerifier(field, text)).toEqual(unbound);
        expect(digests.verifier(field, key, text)).toEqual(mac(`pwk:${key.toString('base64url')}:${unbound.toString('base64url')}`));
      }),
      { numRuns: 500 },
    );
  });

  it('R14: when two logins have the same password, then their verifiers differ (bound to the login), while unbound ones would not', () => {
    const hasher = createLoginHasher(KEY);
    const a = hasher.key('login_autenticacao', 'maria.pppoe');
    const b = hasher.key('login_autenticacao', 'joao.pppoe');
    expect(hasher.verifier('login_autenticacao', a, 'senha123')).not.toBe(hasher.verifier('login_autenticacao', b, 'senha123'));
    expect(hasher.unboundVerifier('login_autenticacao', 'senha123')).toBe(hasher.unboundVerifier('login_autenticacao', 'senha123'));
  });
});
