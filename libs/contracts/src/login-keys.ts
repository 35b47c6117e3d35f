/**
 * How logins and passwords are turned into keys and verifiers (R1, R2, R14), so that
 * subscriptions (which writes them) and the gateway (which matches them) agree without either
 * sharing code or holding plaintext. Each side implements this text; both test against
 * `loginKeyVectors`.
 *
 * 1. Normalise the typed value by login field (`normaliseLogin`):
 *    - `cpf_cnpj`: upper case, letters and digits only (`123.456.789-09` → `12345678909`;
 *      an alphanumeric CNPJ, IN RFB 2.229/2024: `12.abc.345/01de-35` → `12ABC34501DE35`);
 *    - `email`: trim, lowercase;
 *    - `customer_code`: trim;
 *    - `login_autenticacao`: trim (the network login); its password is taken as typed.
 * 2. `key = base64url(HMAC-SHA256(K, "<loginField>:" + normalisedLogin))`.
 * 3. `unbound = base64url(HMAC-SHA256(K, "pw:" + normalisedPassword))`, where the password is
 *    normalised like the login for every field but `login_autenticacao` (R2: with those fields
 *    the password equals the login value).
 * 4. `verifier = "b1." + base64url(HMAC-SHA256(K, "pwk:" + key + ":" + unbound))`: bound to its
 *    login, so that equal passwords of two logins never give equal verifiers.
 *
 * Step 4 needs only the key and the unbound verifier, not the password: a verifier stored in
 * the unbound form (written before binding existed, the 43 characters of step 3 without a prefix)
 * is bound by whoever holds K, with no user typing anything again. The gateway still accepts an
 * unbound verifier while `GATEWAY_ACCEPT_UNBOUND_VERIFIERS` is true (the default until every
 * record has been republished bound; see the README).
 *
 * K is a secret shared by subscriptions and the gateway (`LOGIN_HASH_KEY`), never sent on the bus.
 *
 * 5. Key id: every key and verifier written is prefixed by the id of the K that made it,
 *    `k<id>.` (`loginKeyId`: 8 hex digits of SHA-256("login-hash-key-id:" + K), which reveals
 *    nothing of K): `k1a2b3c4d.<key>` and `k1a2b3c4d.b1.<verifier>`. The HMACs of steps 2–4 are
 *    computed on the values without the prefix. A reader knows which key made a record; during a
 *    rotation (`LOGIN_HASH_KEY` + `LOGIN_HASH_PREVIOUS_KEYS`) the gateway looks a login up by the
 *    key computed with each configured K. A value without a prefix was written before key ids
 *    existed (by the key of that time).
 */

import { createHash } from 'node:crypto';
import type { LoginField } from './common.ts';

/**
 * A CPF or CNPJ as it is compared (R2): upper case, punctuation and spaces dropped, letters kept
 * (an alphanumeric CNPJ has letters in its first 12 characters). `12.abc.345/01de-35` →
 * `12ABC34501DE35`; `529.982.247-25` → `52998224725`. Does not check the check digits.
 */
export function normaliseTaxDocument(value: string): string {
  return value.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

/** Step 1: how a typed value is normalised for each login field (R1, R2). The one definition both sides use. */
export function normaliseLogin(field: LoginField, value: string): string {
  switch (field) {
    case 'cpf_cnpj':
      return normaliseTaxDocument(value);
    case 'email':
      return value.trim().toLowerCase();
    case 'customer_code':
    case 'login_autenticacao':
      return value.trim();
  }
}

/** Prefix of a verifier bound to its login (step 4); a verifier without it is of the unbound form. */
export const BOUND_VERIFIER_PREFIX = 'b1.';

/** Step 5: the id of a login hash key K (8 hex digits of a SHA-256 of it). */
export function loginKeyId(hashKey: string): string {
  return createHash('sha256').update(`login-hash-key-id:${hashKey}`).digest('hex').slice(0, 8);
}

/** Step 5: the prefix naming the key `keyId` made a value. */
export const keyIdPrefix = (keyId: string): string => `k${keyId}.`;

const KEY_ID_PATTERN = /^k([0-9a-f]{8})\./;

/**
 * Step 5: split a stored key or verifier into the id of the key that made it (undefined for a
 * value written before key ids) and the value proper (`b1.…` or an unbound verifier, or a key).
 */
export function parseKeyId(value: string): { readonly keyId: string | undefined; readonly value: string } {
  const match = KEY_ID_PATTERN.exec(value);
  return match ? { keyId: match[1]!, value: value.slice(match[0].length) } : { keyId: undefined, value };
}
export const loginKeyVectors = [
  {
    hashKey: 'test-login-hash-key-0123456789abcdef',
    loginField: 'cpf_cnpj',
    login: '123.456.789-09',
    password: '123.456.789-09',
    key: 'S3HI4v9gBfWJ9z2Ed7gYOahlMJcCH3V0D4WvoOSwJuM',
    unbound: '0WJDlzI-SpSYuu1-gv_OA-U7veKxSWn3JNwOJEh1Xok',
    verifier: 'b1.DXrHpFrJ9SU1D3ckcOow0Kasll-MiNzIxQ7IW7QE_x4',
  },
  {
    hashKey: 'test-login-hash-key-0123456789abcdef',
    loginField: 'cpf_cnpj',
    login: '12.abc.345/01de-35',
    password: '12ABC34501DE35',
    key: 'l7ZqhfKCVlHJCZQVJrs-DCKLCpmc3vwlfZF3OS76MoM',
    unbound: 'Zye-HKJ0OMA7AyluXnzAA0lBDEEb8dP2OI0q83woVp0',
    verifier: 'b1.50ZwO--i4X25VT_yqZ2yqG_jm_DU0B1v1wUCTERGnyY',
  },
  {
    hashKey: 'test-login-hash-key-0123456789abcdef',
    loginField: 'login_autenticacao',
    login: ' maria.pppoe ',
    password: 'S3nh@ forte',
    key: 'kqAWhzOWVmJNFFdATUcpTE6bsWXQ-eB8Rvs_qw7ANLE',
    unbound: 'CQ5lgUVHVaWt7dH7i9VmhD4mIPdhB2PdhfjDgUza0Q8',
    verifier: 'b1.gd4E7rnwNabnSI4kAPBCrq-ZyadjKN1r2tkwI6bR8Ic',
  },
  {
    hashKey: 'test-login-hash-key-0123456789abcdef',
    loginField: 'email',
    login: ' Maria@Example.com',
    password: 'maria@example.COM ',
    key: 'R3ClSbAfaSxooKjSZad_yhsrkcoAtomYHsMEVy__vFs',
    unbound: 'YHPM46vARbPjMTJabfXWVsuxmPzjtUu7ueq-iwDpMfs',
    verifier: 'b1.yJ9W0Pqa2uHu9PhPJJxjQ3t-I-aMsVwDzlPrpF3OMdU',
  },
] as const;
