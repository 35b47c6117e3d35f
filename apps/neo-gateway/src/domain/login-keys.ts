import { createHmac } from 'node:crypto';
import type { LoginField } from '@sva/contracts';

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
