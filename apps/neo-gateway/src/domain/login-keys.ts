import { createHmac } from 'node:crypto';
import type { LoginField } from '@sva/contracts';
import { createHmacSha256 } from './sha256.ts';

/**
 * Keys and verifiers for NEO logins, as `libs/contracts/src/login-keys.ts` defines them: the
 * gateway matches what a user types against these without this service or the gateway holding
 * a plaintext password or CPF (R2, R14).
 */
export interface LoginHasher {
  /** Key under which a login is found. */
  key(field: LoginField, login: string): string;
  /** Verifier of a password for a login of this field. */
  verifier(field: LoginField, password: string): string;
}

/** R2: how a typed value is normalised for each login field. */
export function normaliseLogin(field: LoginField, value: string): string {
  switch (field) {
    case 'cpf_cnpj':
      return value.replace(/\D/g, '');
    case 'email':
      return value.trim().toLowerCase();
    case 'customer_code':
    case 'login_autenticacao':
      return value.trim();
  }
}

export function createLoginHasher(hashKey: string): LoginHasher {
  const mac = (text: string) => createHmac('sha256', hashKey).update(text).digest('base64url');
  return {
    key: (field, login) => mac(`${field}:${normaliseLogin(field, login)}`),
    // R2: only the network login has a password of its own; other fields' password is the login value.
    verifier: (field, password) => mac(`pw:${field === 'login_autenticacao' ? password : normaliseLogin(field, password)}`),
  };
}

/**
 * The login key and password verifier of what NEO's user typed, as digest words, computed the
 * way `createLoginHasher` does but without building strings (the identify hot path). The view
 * keeps the first words of stored keys and verifiers and compares these against them.
 */
export interface LoginDigests {
  /** Key of `login` for this field, into `out` (8 words). */
  key(field: LoginField, login: string, out: Int32Array): Int32Array;
  /** Verifier of `password` for this field, into `out` (8 words). */
  verifier(field: LoginField, password: string, out: Int32Array): Int32Array;
}

const keyPrefixes: Record<LoginField, string> = {
  cpf_cnpj: 'cpf_cnpj:',
  email: 'email:',
  customer_code: 'customer_code:',
  login_autenticacao: 'login_autenticacao:',
};

export function createLoginDigests(hashKey: string): LoginDigests {
  const mac = createHmacSha256(hashKey);
  return {
    key: (field, login, out) =>
      field === 'cpf_cnpj' ? mac.digest(keyPrefixes[field], login, out, 'digits') : mac.digest(keyPrefixes[field], normaliseLogin(field, login), out),
    verifier: (field, password, out) => {
      if (field === 'login_autenticacao') return mac.digest('pw:', password, out);
      return field === 'cpf_cnpj' ? mac.digest('pw:', password, out, 'digits') : mac.digest('pw:', normaliseLogin(field, password), out);
    },
  };
}
