import { createHash } from 'node:crypto';
import type { EntitlementV1, GatewayIntegrationV1, GrantState, LoginField, SubscriberStatus } from '@sva/contracts';
import { createLoginHasher } from '../src/domain/login-keys.ts';

/** Test data shared by the gateway's tests: integrations, customers and their entitlement records. */
export const hashKey = 'test-login-hash-key-0123456789abcdef';
export const hasher = createLoginHasher(hashKey);
export const integrationId = '0b9f8a84-8a39-4d6f-9b6f-6f0f7f0e5d11';
export const secret = 'current-secret-0123456789abcdefghij';

/** base64url(SHA-256(secret)), as the catalog publishes secret verifiers. */
export const sha = (text: string) => createHash('sha256').update(text).digest('base64url');

export function integrationRecord(overrides: Partial<GatewayIntegrationV1> = {}): GatewayIntegrationV1 {
  return {
    integrationId,
    version: 1,
    active: true,
    loginField: 'cpf_cnpj',
    syncSubscriptionStatus: true,
    secretVerifiers: [{ sha256: sha(secret), validUntil: null }],
    ...overrides,
  };
}

/** A deterministic UUID (v4 layout) for customer `n`. */
export function customerId(n: number): string {
  const h = createHash('sha256').update(`customer-${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A subscriber id as subscriptions makes them (22 base64url characters), for customer `n`. */
export function subscriberId(n: number): string {
  return createHash('sha256').update(`subscriber-${n}`).digest().subarray(0, 16).toString('base64url');
}

/** An 11-digit CPF-shaped login for customer `n` (check digits are not the gateway's business). */
export function cpf(n: number): string {
  return String(n).padStart(11, '0');
}

export interface RecordSpec {
  readonly n: number;
  readonly version?: number;
  readonly status?: SubscriberStatus;
  readonly grants?: ReadonlyArray<{ product: string; state: GrantState }>;
  /** Logins (login value, password) for `field`; defaults to the customer's CPF as both. */
  readonly logins?: ReadonlyArray<readonly [string, string]>;
  readonly field?: LoginField;
  readonly integration?: string;
  readonly subscriber?: string;
  /** Write verifiers in the unbound (legacy) form, as records published before binding carry them. */
  readonly unbound?: boolean;
}

export function entitlementRecord(spec: RecordSpec): EntitlementV1 {
  const field = spec.field ?? 'cpf_cnpj';
  const logins = spec.logins ?? [[cpf(spec.n), cpf(spec.n)]];
  return {
    integrationId: spec.integration ?? integrationId,
    customerId: customerId(spec.n),
    subscriberId: spec.subscriber ?? subscriberId(spec.n),
    version: spec.version ?? 1,
    status: spec.status ?? 'active',
    logins: logins.map(([login, password]) => {
      const key = hasher.key(field, login);
      return { key, verifier: spec.unbound ? hasher.unboundVerifier(field, password) : hasher.verifier(field, key, password) };
    }),
    grants: (spec.grants ?? [{ product: 'mumo', state: 'active' }]).map((g) => ({ ...g })),
    changedAt: '2026-11-28T00:00:00.000Z',
  };
}
