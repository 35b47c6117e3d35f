import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { BOUND_VERIFIER_PREFIX, keyIdPrefix, type LoginField, loginKeyId, normaliseLogin, parseKeyId } from '@sva/contracts';

/**
 * Keys and verifiers for NEO logins, as `libs/contracts/src/login-keys.ts` defines them: the
 * gateway matches what a user types against these without this service or the gateway holding
 * a plaintext password or CPF (R2, R14). HMAC-SHA256 from `node:crypto`.
 */
export interface LoginHasher {
  /** Key under which a login is found. */
  key(field: LoginField, login: string): string;
  /** Verifier of a password, bound to the login whose key is `key` (`b1.` form). */
  verifier(field: LoginField, key: string, password: string): string;
  /** The unbound verifier of a password (the form written before binding; accepted during migration). */
  unboundVerifier(field: LoginField, password: string): string;
}

/** R2: how a typed value is normalised for each login field (one definition, in the contracts). */
export { normaliseLogin };

/** R2: only the network login has a password of its own; other fields' password is the login value. */
function normalisePassword(field: LoginField, password: string): string {
  return field === 'login_autenticacao' ? password : normaliseLogin(field, password);
}

/**
 * The login key and password verifiers of what NEO's user typed, as digests (32 bytes each):
 * what identify computes and compares against the view.
 */
export interface LoginDigests {
  /** Key of `login` for this field. */
  key(field: LoginField, login: string): Buffer;
  /** Verifier of `password`, bound to the login of key digest `key` (the `b1.` form, without its prefix). */
  verifier(field: LoginField, key: Buffer, password: string): Buffer;
  /** Unbound verifier of `password` (the legacy form). */
  unboundVerifier(field: LoginField, password: string): Buffer;
}

export function createLoginDigests(hashKey: string): LoginDigests {
  const secret: KeyObject = createSecretKey(Buffer.from(hashKey, 'utf8'));
  const mac = (text: string): Buffer => createHmac('sha256', secret).update(text).digest();
  const unbound = (field: LoginField, password: string) => mac(`pw:${normalisePassword(field, password)}`);
  return {
    key: (field, login) => mac(`${field}:${normaliseLogin(field, login)}`),
    verifier: (field, key, password) => mac(`pwk:${key.toString('base64url')}:${unbound(field, password).toString('base64url')}`),
    unboundVerifier: unbound,
  };
}

/** The text forms, with the key id of `hashKey` (`k<id>.`; tests and tools write records with these). */
export function createLoginHasher(hashKey: string): LoginHasher {
  const digests = createLoginDigests(hashKey);
  const id = keyIdPrefix(loginKeyId(hashKey));
  return {
    key: (field, login) => id + digests.key(field, login).toString('base64url'),
    verifier: (field, key, password) => id + BOUND_VERIFIER_PREFIX + digests.verifier(field, Buffer.from(parseKeyId(key).value, 'base64url'), password).toString('base64url'),
    unboundVerifier: (field, password) => digests.unboundVerifier(field, password).toString('base64url'),
  };
}
