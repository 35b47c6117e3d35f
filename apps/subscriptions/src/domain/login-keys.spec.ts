import { loginKeyVectors } from '@sva/contracts';
import { describe, expect, it } from 'vitest';
import { createLoginHasher, normaliseLogin } from './login-keys.ts';

describe('login keys (R2, R14)', () => {
  it.each(loginKeyVectors)('when hashing the $loginField vector, then it matches the contract', (vector) => {
    const hasher = createLoginHasher(vector.hashKey);
    expect(hasher.key(vector.loginField, vector.login)).toBe(vector.key);
    expect(hasher.verifier(vector.loginField, vector.key, vector.password)).toBe(vector.verifier);
    expect(hasher.unboundVerifier(vector.loginField, vector.password)).toBe(vector.unbound);
  });

  it.each(loginKeyVectors)('R14: when a stored $loginField verifier is of the unbound form, then binding it gives the contract verifier without the password', (vector) => {
    const hasher = createLoginHasher(vector.hashKey);
    expect(hasher.bind(vector.key, vector.unbound)).toBe(vector.verifier);
    expect(hasher.bind(vector.key, vector.verifier)).toBe(vector.verifier);
  });

  it('R14: when two logins have the same password, then their verifiers differ', () => {
    const hasher = createLoginHasher('k'.repeat(32));
    const a = hasher.key('login_autenticacao', 'maria.pppoe');
    const b = hasher.key('login_autenticacao', 'joao.pppoe');
    expect(hasher.verifier('login_autenticacao', a, 'senha123')).not.toBe(hasher.verifier('login_autenticacao', b, 'senha123'));
  });

  it('R2: with login field cpf_cnpj, punctuation is ignored in login and password', () => {
    const hasher = createLoginHasher('k'.repeat(32));
    expect(hasher.key('cpf_cnpj', '529.982.247-25')).toBe(hasher.key('cpf_cnpj', '52998224725'));
    const key = hasher.key('cpf_cnpj', '52998224725');
    expect(hasher.verifier('cpf_cnpj', key, '529.982.247-25')).toBe(hasher.verifier('cpf_cnpj', key, '52998224725'));
  });

  it('R2: with login_autenticacao, the password is taken as typed (case and spaces matter)', () => {
    const hasher = createLoginHasher('k'.repeat(32));
    const key = hasher.key('login_autenticacao', 'maria');
    expect(hasher.verifier('login_autenticacao', key, 'Secret ')).not.toBe(hasher.verifier('login_autenticacao', key, 'secret'));
  });

  it('when the same value is typed under two login fields, then the keys differ', () => {
    const hasher = createLoginHasher('k'.repeat(32));
    expect(hasher.key('customer_code', '12345678909')).not.toBe(hasher.key('cpf_cnpj', '12345678909'));
  });

  it('when normalising an email, then it is trimmed and lowercased', () => {
    expect(normaliseLogin('email', ' Maria@Example.COM ')).toBe('maria@example.com');
  });
});
