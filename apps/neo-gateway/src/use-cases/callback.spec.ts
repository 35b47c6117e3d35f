import { describe, expect, it } from 'vitest';
import { cpf, entitlementRecord, hashKey, integrationId, integrationRecord, secret, sha, subscriberId } from '../../test/fixtures.ts';
import type { StalePolicy } from '../domain/decisions.ts';
import { createLoginDigests } from '../domain/login-keys.ts';
import { createGatewayMetrics } from '../metrics.ts';
import { EntitlementView } from '../view/entitlement-view.ts';
import { Freshness } from '../view/freshness.ts';
import { createCallbackCore } from './callback.ts';

function core(policy: StalePolicy = 'serve', acceptUnboundVerifiers = true) {
  let now = Date.parse('2026-11-28T00:00:00Z');
  const view = new EntitlementView();
  view.applyIntegration(integrationRecord({ secretVerifiers: [{ sha256: sha(secret), validUntil: null }, { sha256: sha('old-secret'), validUntil: '2026-11-28T00:10:00.000Z' }] }));
  view.applyEntitlement(entitlementRecord({ n: 1 }));
  // Published before verifiers were bound to their login (libs/contracts/src/login-keys.ts).
  view.applyEntitlement(entitlementRecord({ n: 2, unbound: true }));
  const freshness = new Freshness(60_000, policy, () => now);
  const recorded: unknown[][] = [];
  const counted: string[] = [];
  const limits = { maxFailures: 3, windowMs: 60_000, lockoutMs: 60_000, maxLockoutMs: 600_000 };
  const callbacks = createCallbackCore({
    view,
    digests: createLoginDigests(hashKey),
    freshness,
    recorder: { record: (...args) => recorded.push(args) },
    metrics: { decided: (reason) => counted.push(reason), identified: (outcome) => counted.push(outcome) },
    ready: () => true,
    allowTtlSeconds: 300,
    denyTtlSeconds: 30,
    perLogin: limits,
    perEndUserAddress: limits,
    perIntegration: { perMinute: 1_000, burst: 1_000 },
    acceptUnboundVerifiers,
    now: () => now,
  });
  return { callbacks, freshness, recorded, counted, advance: (ms: number) => (now += ms), at: () => now };
}

describe('callback core (R3, R13–R15)', () => {
  it('R3: when the secret is right, rotated out, wrong, or the integration unknown, then only a current secret opens it', () => {
    const { callbacks, advance } = core();
    expect(callbacks.open(integrationId, secret)?.id).toBe(integrationId);
    expect(callbacks.open(integrationId, 'old-secret')?.id).toBe(integrationId);
    expect(callbacks.open(integrationId, 'guess')).toBeUndefined();
    expect(callbacks.open('00000000-0000-4000-8000-000000000000', secret)).toBeUndefined();
    advance(10 * 60_000);
    expect(callbacks.open(integrationId, 'old-secret')).toBeUndefined();
    expect(callbacks.open(integrationId, secret)?.id).toBe(integrationId);
  });

  it('R15: when authorising, then the decision is recorded for audit with its latency and counted by reason', () => {
    const { callbacks, recorded, counted, at } = core();
    const integration = callbacks.open(integrationId, secret)!;
    expect(callbacks.authorise(integration, subscriberId(1), 'mumo', 0.25)).toEqual({ allowed: true, reason: 'subscribed', ttlSeconds: 300 });
    expect(callbacks.authorise(integration, subscriberId(1), 'kiddle', 0)).toEqual({ allowed: false, reason: 'not_subscribed', ttlSeconds: 30 });
    expect(recorded).toEqual([
      [integrationId, subscriberId(1), 'mumo', 'subscribed', 250, at()],
      [integrationId, subscriberId(1), 'kiddle', 'not_subscribed', 0, at()],
    ]);
    expect(counted).toEqual(['subscribed', 'not_subscribed']);
  });

  it.each(['serve', 'deny'] as const)('when the bus has been away past the maximum staleness, then the %s policy applies', (policy) => {
    const { callbacks, freshness, advance } = core(policy);
    const integration = callbacks.open(integrationId, secret)!;
    freshness.busStatus('reconnecting');
    advance(59_000);
    expect(callbacks.authorise(integration, subscriberId(1), 'mumo', 0).reason).toBe('subscribed');
    advance(2_000);
    const answer = callbacks.authorise(integration, subscriberId(1), 'mumo', 0);
    expect(answer).toEqual(policy === 'deny' ? { allowed: false, reason: 'view_stale', ttlSeconds: 30 } : { allowed: true, reason: 'subscribed', ttlSeconds: 300 });
    // Identify keeps answering from the last view whatever the policy.
    expect(callbacks.identify(integration, cpf(1), cpf(1), '192.0.2.1')).toMatchObject({ kind: 'identified' });
    freshness.busStatus('connected');
    expect(callbacks.authorise(integration, subscriberId(1), 'mumo', 0).reason).toBe('subscribed');
  });

  it('R14: when identify fails, then both limiters count it, and a success clears the login', () => {
    const { callbacks, counted } = core();
    const integration = callbacks.open(integrationId, secret)!;
    expect(callbacks.identify(integration, cpf(1), 'bad', '192.0.2.1')).toEqual({ kind: 'not_identified', reason: 'wrong_password' });
    expect(callbacks.identify(integration, cpf(1), 'bad', '192.0.2.2')).toEqual({ kind: 'not_identified', reason: 'wrong_password' });
    expect(callbacks.identify(integration, cpf(1), cpf(1), '192.0.2.3')).toMatchObject({ kind: 'identified', subscriberId: subscriberId(1), status: 'active' });
    expect(callbacks.identify(integration, cpf(1), 'bad', '192.0.2.4')).toMatchObject({ kind: 'not_identified' });
    expect(callbacks.identify(integration, cpf(1), 'bad', '192.0.2.5')).toMatchObject({ kind: 'not_identified' });
    expect(callbacks.identify(integration, cpf(9), 'bad', '192.0.2.1')).toEqual({ kind: 'not_identified', reason: 'unknown_login' });
    expect(callbacks.identify(integration, cpf(8), 'bad', '192.0.2.1')).toEqual({ kind: 'not_identified', reason: 'unknown_login' });
    // Third failure from .1: the address is locked; the login cpf(1) has two failures since its success.
    expect(callbacks.identify(integration, cpf(7), 'bad', '192.0.2.1')).toEqual({ kind: 'throttled', retryAfterSeconds: 60 });
    expect(callbacks.identify(integration, cpf(1), 'bad', '192.0.2.6')).toMatchObject({ kind: 'not_identified' });
    expect(callbacks.identify(integration, cpf(1), cpf(1), '192.0.2.7')).toEqual({ kind: 'throttled', retryAfterSeconds: 60 });
    expect(counted).toEqual(['wrong_password', 'wrong_password', 'identified', 'wrong_password', 'wrong_password', 'unknown_login', 'unknown_login', 'throttled', 'wrong_password', 'throttled']);
  });

  it('R14: when a verifier is bound to its login, then the right password identifies and a wrong one does not', () => {
    const { callbacks } = core('serve', false);
    const integration = callbacks.open(integrationId, secret)!;
    expect(callbacks.identify(integration, cpf(1), cpf(1), '192.0.2.1')).toMatchObject({ kind: 'identified', subscriberId: subscriberId(1) });
    expect(callbacks.identify(integration, cpf(1), cpf(2), '192.0.2.1')).toEqual({ kind: 'not_identified', reason: 'wrong_password' });
  });

  it.each([
    [true, { kind: 'identified', subscriberId: subscriberId(2) }],
    [false, { kind: 'not_identified', reason: 'wrong_password' }],
  ])('R14: when a record still carries an unbound verifier and unbound verifiers are accepted = %s, then its right password gives %j', (accept, outcome) => {
    const { callbacks } = core('serve', accept);
    const integration = callbacks.open(integrationId, secret)!;
    expect(callbacks.identify(integration, cpf(2), cpf(2), '192.0.2.1')).toMatchObject(outcome);
    expect(callbacks.identify(integration, cpf(2), cpf(3), '192.0.2.1')).toEqual({ kind: 'not_identified', reason: 'wrong_password' });
  });

  it('when metrics are created, then counting needs no meter provider', () => {
    const metrics = createGatewayMetrics({
      view: () => ({ subscribers: 0, logins: 0, integrations: 0, bytes: 0 }),
      freshness: () => ({ stalenessSeconds: 0, lastChangeAgeSeconds: null }),
      bootstrapSeconds: () => undefined,
      audit: () => ({ buffered: 0, published: 0, dropped: 0 }),
    });
    expect(() => metrics.decided('subscribed')).not.toThrow();
  });
});
