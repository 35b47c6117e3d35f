import { loginKeyVectors } from '@sva/contracts';
import { describe, expect, it } from 'vitest';
import { createLoginHasher, normaliseLogin } from './login-keys.ts';

describe('login keys (R2, R14)', () => {
  it.each(loginKeyVectors)('when hashing the $loginField vector, then it matches the contract', (vector) => {
    const hasher = createLoginHasher(vector.hashKey);
    expect(hasher.key(vector.loginField, vector.login)).toBe(vector.key);
    expect(hasher.verifier(vector.loginField, vector.password)).toBe(vector.verifier);
  });

  it('R2: with login field cpf_cnpj, punctuation is ignored in login and password', () => {
    const hasher = createLoginHasher('k'.repeat(32));
    expect(hasher.key('cpf_cnpj', '529.982.247-25')).toBe(hasher.key('cpf_cnpj', '52998224725'));
    expect(hasher.verifier('cpf_cnpj', '529.982.247-25')).toBe(hasher.verifier('cpf_cnpj', '52998224725'));
  });

  it('R2: with login_autenticacao, the password is taken as typed (case and spaces matter)', () => {
    const hasher = createLoginHasher('k'.repeat(32));
    expect(hasher.verifier('login_autenticacao', 'Secret ')).not.toBe(hasher.verifier('login_autenticacao', 'secret'));
  });

  it('when the same value is typed under two login fields, then the keys differ', () => {
    const hasher = createLoginHasher('k'.repeat(32));
    expect(hasher.key('customer_code', '12345678909')).not.toBe(hasher.key('cpf_cnpj', '12345678909'));
  });

  it('when normalising an email, then it is trimmed and lowercased', () => {
    expect(normaliseLogin('email', ' Maria@Example.COM ')).toBe('maria@example.com');
  });
});
