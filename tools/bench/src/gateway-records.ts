import { createHash, createHmac } from 'node:crypto';
import type { EntitlementV1, GatewayIntegrationV1, GrantState } from '@sva/contracts';

/**
 * The gateway benchmark's data, derived from a customer number so that the seeder, the load
 * generator and the freshness probe agree without sharing state: customer `n` has a CPF login
 * (`cpfOf(n)`, password = CPF per R2), a subscriber id, and the product `mumo`.
 */
export const BENCH_HASH_KEY = 'bench-login-hash-key-0123456789abcdef-0123';
export const BENCH_INTEGRATION_ID = '7d1e5f4a-3b2c-4d1e-9f8a-0123456789ab';
export const BENCH_SECRET = 'bench-callback-secret-Zm9vYmFyYmF6cXV4MTIz';

export function integrationRecord(): GatewayIntegrationV1 {
  return {
    integrationId: BENCH_INTEGRATION_ID,
    version: 1,
    active: true,
    loginField: 'cpf_cnpj',
    syncSubscriptionStatus: true,
    secretVerifiers: [{ sha256: createHash('sha256').update(BENCH_SECRET).digest('base64url'), validUntil: null }],
  };
}

export function customerIdOf(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `c0ffee00-0000-4000-8000-${hex}`;
}

export function subscriberIdOf(n: number): string {
  // As subscriptions makes them: 16 bytes in base64url.
  return createHash('sha256').update(`subscriber:${n}`).digest().subarray(0, 16).toString('base64url');
}

export function cpfOf(n: number): string {
  return String(n).padStart(11, '0');
}

const mac = (text: string) => createHmac('sha256', BENCH_HASH_KEY).update(text).digest('base64url');

/** Login key and verifier (bound to the key) of a CPF login, as libs/contracts/src/login-keys.ts defines them. */
function loginOf(cpf: string): { key: string; verifier: string } {
  const key = mac(`cpf_cnpj:${cpf}`);
  return { key, verifier: `b1.${mac(`pwk:${key}:${mac(`pw:${cpf}`)}`)}` };
}

/** The entitlement record of customer `n` at `version`, holding `mumo` in `state`. */
export function entitlementOf(n: number, version = 1, state: GrantState = 'active'): EntitlementV1 {
  const cpf = cpfOf(n);
  return {
    integrationId: BENCH_INTEGRATION_ID,
    customerId: customerIdOf(n),
    subscriberId: subscriberIdOf(n),
    version,
    status: state === 'active' ? 'active' : 'suspended',
    logins: [loginOf(cpf)],
    grants: [{ product: 'mumo', state }],
    changedAt: new Date(Date.UTC(2026, 10, 28)).toISOString(),
  };
}

/** A spread sample of `size` customer numbers among `total`. */
export function sampleOf(total: number, size: number): number[] {
  const step = Math.max(1, Math.floor(total / size));
  return Array.from({ length: Math.min(size, total) }, (_, i) => (i * step + (i % step)) % total);
}
