import { createHmac } from 'node:crypto';
import { BOUND_VERIFIER_PREFIX, type LoginField, normaliseLogin } from '@sva/contracts';

/**
 * Keys and verifiers for NEO logins, as `libs/contracts/src/login-keys.ts` defines them: the
 * gateway matches what a user types against these without this service or the gateway holding
 * a plaintext password or CPF (R2, R14).
 */
export interface LoginHasher {
  /** Key under which a login is found. */
  key(field: LoginField, login: string): string;
  /** Verifier of a password, bound to the login whose key is `key` (the `b1.` form). */
  verifier(field: LoginField, key: string, password: string): string;
  /** The unbound verifier of a password (the form stored before binding). */
  unboundVerifier(field: LoginField, password: string): string;
  /** A stored verifier bound to its login's key: a bound one as it is, an unbound one bound now (no password needed). */
  bind(key: string, verifier: string): string;
}

/** Whether a stored verifier is of the bound form. */
export const isBound = (verifier: string): boolean => verifier.startsWith(BOUND_VERIFIER_PREFIX);

/** R2: how a typed value is normalised for each login field (one definition, in the contracts). */
export { normaliseLogin };

export function createLoginHasher(hashKey: string): LoginHasher {
  const mac = (text: string) => createHmac('sha256', hashKey).update(text).digest('base64url');
  // R2: only the network login has a password of its own; other fields' password is the login value.
  const unbound = (field: LoginField, password: string) => mac(`pw:${field === 'login_autenticacao' ? password : normaliseLogin(field, password)}`);
  const bindUnbound = (key: string, unboundVerifier: string) => BOUND_VERIFIER_PREFIX + mac(`pwk:${key}:${unboundVerifier}`);
  return {
    key: (field, login) => mac(`${field}:${normaliseLogin(field, login)}`),
    verifier: (field, key, password) => bindUnbound(key, unbound(field, password)),
    unboundVerifier: unbound,
    bind: (key, verifier) => (isBound(verifier) ? verifier : bindUnbound(key, verifier)),
  };
}
