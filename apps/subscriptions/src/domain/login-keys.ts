import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { BOUND_VERIFIER_PREFIX, keyIdPrefix, type LoginField, loginKeyId, normaliseLogin, parseKeyId } from '@sva/contracts';

/**
 * Keys and verifiers for NEO logins, as `libs/contracts/src/login-keys.ts` defines them: the
 * gateway matches what a user types against these without this service or the gateway holding
 * a plaintext password or CPF (R2, R14).
 *
 * A key ring: the current key (`LOGIN_HASH_KEY`) makes every new key and verifier, each
 * prefixed with its key id (`k<id>.`); previous keys (`LOGIN_HASH_PREVIOUS_KEYS`) still find
 * what they made during a rotation. The same ring seals, at rest, what a re-key needs to
 * recompute what no plaintext is kept of (the CPF/CNPJ, a network password): AES-256-GCM under
 * a key derived from each ring key, sealed form `s1.<keyId>.<iv>.<tag>.<ciphertext>`.
 */
export interface LoginHasher {
  /** Id of the current key. */
  readonly keyId: string;
  /** Whether previous keys are configured (a rotation is under way). */
  readonly rotating: boolean;
  /** Key under which a login is found (made with the current key). */
  key(field: LoginField, login: string): string;
  /** The keys of a login under every configured key, current first (lookups during a rotation). */
  keys(field: LoginField, login: string): string[];
  /** Verifier of a password, bound to the login whose key is `key` (made with the key that made `key`). */
  verifier(field: LoginField, key: string, password: string): string;
  /** The unbound verifier of a password (the form stored before binding, without key id). */
  unboundVerifier(field: LoginField, password: string): string;
  /** A stored verifier bound to its login's key: a bound one as it is, an unbound one bound now (no password needed). */
  bind(key: string, verifier: string): string;
  /** Whether a stored key or verifier was made by the current key (carries its id). */
  isCurrent(value: string): boolean;
  /** A stored value written before key ids, labelled with the current key's id (only right when the current key made it). */
  label(value: string): string;
  /** Seal personal data at rest under the current key. */
  seal(plaintext: string): string;
  /** Open what `seal` sealed under any configured key. */
  open(sealed: string): string;
  /** Whether a sealed value is sealed under the current key. */
  sealedCurrent(sealed: string): boolean;
}

/** Whether a stored verifier is of the bound form (with or without key id). */
export const isBound = (verifier: string): boolean => parseKeyId(verifier).value.startsWith(BOUND_VERIFIER_PREFIX);

/** R2: how a typed value is normalised for each login field (one definition, in the contracts). */
export { normaliseLogin };

interface RingKey {
  readonly id: string;
  readonly prefix: string;
  mac(text: string): string;
  readonly aes: Buffer;
}

const TAG_BYTES = 16;

function ringKey(hashKey: string): RingKey {
  const id = loginKeyId(hashKey);
  return {
    id,
    prefix: keyIdPrefix(id),
    mac: (text) => createHmac('sha256', hashKey).update(text).digest('base64url'),
    aes: createHash('sha256').update(`login-data-seal:${hashKey}`).digest(),
  };
}

export function createLoginHasher(hashKey: string, previousKeys: readonly string[] = []): LoginHasher {
  const current = ringKey(hashKey);
  const ring = [current, ...previousKeys.filter((k) => k !== hashKey).map(ringKey)];
  // A value without key id was made before ids existed: by the current key when nothing is being rotated.
  const keyOf = (value: string): RingKey | undefined => {
    const { keyId } = parseKeyId(value);
    return keyId === undefined ? current : ring.find((k) => k.id === keyId);
  };
  // R2: only the network login has a password of its own; other fields' password is the login value.
  const unboundWith = (k: RingKey, field: LoginField, password: string) => k.mac(`pw:${field === 'login_autenticacao' ? password : normaliseLogin(field, password)}`);
  const bindWith = (k: RingKey, rawKey: string, unboundVerifier: string) => k.prefix + BOUND_VERIFIER_PREFIX + k.mac(`pwk:${rawKey}:${unboundVerifier}`);
  return {
    keyId: current.id,
    rotating: ring.length > 1,
    key: (field, login) => current.prefix + current.mac(`${field}:${normaliseLogin(field, login)}`),
    keys: (field, login) => ring.map((k) => k.prefix + k.mac(`${field}:${normaliseLogin(field, login)}`)),
    verifier: (field, key, password) => {
      const k = keyOf(key) ?? current;
      return bindWith(k, parseKeyId(key).value, unboundWith(k, field, password));
    },
    unboundVerifier: (field, password) => unboundWith(current, field, password),
    bind: (key, verifier) => {
      if (isBound(verifier)) return verifier;
      const k = keyOf(key);
      return k === undefined ? verifier : bindWith(k, parseKeyId(key).value, parseKeyId(verifier).value);
    },
    isCurrent: (value) => value.startsWith(current.prefix),
    label: (value) => (parseKeyId(value).keyId === undefined ? current.prefix + value : value),
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.aes, iv, { authTagLength: TAG_BYTES });
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['s1', current.id, ...[iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url'))].join('.');
    },
    open(sealed) {
      const parts = sealed.split('.');
      if (parts[0] !== 's1' || parts.length !== 5) throw new Error('sealed login data has an unknown format');
      const [, id, iv, tag, body] = parts as [string, string, string, string, string];
      const k = ring.find((candidate) => candidate.id === id);
      if (k === undefined) throw new Error('login data sealed under a key that is not configured');
      const decipher = createDecipheriv('aes-256-gcm', k.aes, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
    sealedCurrent: (sealed) => sealed.startsWith(`s1.${current.id}.`),
  };
}
