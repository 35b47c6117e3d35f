import { describe, expect, it } from 'vitest';
import { cpf, entitlementRecord, hashKey, integrationRecord } from '../../test/fixtures.ts';
import { gatewayDefaults } from '../config.ts';
import { createLoginDigests } from '../domain/login-keys.ts';
import { limiterKeyOf } from '../http/end-user-address.ts';
import { EntitlementView } from '../view/entitlement-view.ts';
import { Freshness } from '../view/freshness.ts';
import { createCallbackCore, type IdentifyOutcome } from './callback.ts';

const minute = 60_000;
const d = gatewayDefaults;

/**
 * R14 with the limits as `service.ts` builds them from the defaults (10 failures per login per
 * 15 min, 30 per end-user address per minute, a budget of 120 failures a minute and 600 in a burst
 * per integration), against a view of `users` customers logging in by CPF. Every call comes from
 * NEO's servers; the clock is injected, nothing sleeps.
 */
function gateway(users: number) {
  let now = Date.parse('2026-11-28T19:00:00Z');
  const view = new EntitlementView();
  view.applyIntegration(integrationRecord());
  for (let n = 1; n <= users; n++) view.applyEntitlement(entitlementRecord({ n }));
  const maxLockoutMs = d.identifyMaxLockoutSeconds * 1000;
  const core = createCallbackCore({
    view,
    digests: createLoginDigests(hashKey),
    freshness: new Freshness(60_000, 'serve', () => now),
    recorder: { record: () => {} },
    metrics: { decided: () => {}, identified: () => {} },
    ready: () => true,
    allowTtlSeconds: d.allowTtlSeconds,
    denyTtlSeconds: d.denyTtlSeconds,
    perLogin: { maxFailures: d.identifyFailuresPerLogin, windowMs: 15 * minute, lockoutMs: 15 * minute, maxLockoutMs },
    perEndUserAddress: { maxFailures: d.identifyFailuresPerEndUserAddress, windowMs: minute, lockoutMs: minute, maxLockoutMs },
    perIntegration: { perMinute: d.identifyFailureBudget, burst: d.identifyFailureBurst },
    now: () => now,
  });
  const integration = view.integration(integrationRecord().integrationId)!;
  return {
    identify: (login: string, password: string, address?: string): IdentifyOutcome => core.identify(integration, login, password, address),
    advance: (ms: number) => (now += ms),
  };
}

/** Deterministic pseudo-random numbers (a test must not depend on luck). */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('identify limits that fit how NEO calls (R14)', () => {
  it('R14 (a): when 5,000 users log in over an evening hour through NEO, 3 % of them mistyping once or twice and 5 of them failing until their own login locks, then nobody else is ever refused', () => {
    const users = 5_000;
    const { identify, advance } = gateway(users);
    const next = random(7);
    const typists = new Set<number>();
    const lockingThemselves = new Set([11, 222, 3_333, 4_000, 4_999]);
    for (let n = 1; n <= users; n++) if (next() < 0.03) typists.add(n);
    let refusedInnocents = 0;
    let identified = 0;
    let typos = 0;
    // One user every 0.72 s: 5,000 in the hour, each typo just before the right password.
    for (let n = 1; n <= users; n++) {
      advance(720);
      if (lockingThemselves.has(n)) {
        for (let attempt = 0; attempt < 15; attempt++) identify(cpf(n), `forgotten-${attempt}`);
        expect(identify(cpf(n), cpf(n))).toMatchObject({ kind: 'throttled' });
        continue;
      }
      if (typists.has(n)) {
        const tries = next() < 0.5 ? 1 : 2;
        for (let attempt = 0; attempt < tries; attempt++, typos++) {
          const outcome = identify(cpf(n), `${cpf(n)}x`);
          if (outcome.kind === 'throttled') refusedInnocents += 1;
        }
      }
      const outcome = identify(cpf(n), cpf(n));
      if (outcome.kind === 'identified') identified += 1;
      else refusedInnocents += 1;
    }
    expect(typists.size).toBeGreaterThan(100);
    expect(typos).toBeGreaterThan(150);
    expect(refusedInnocents).toBe(0);
    expect(identified).toBe(users - lockingThemselves.size);
  });

  it('R14 (b): when a credential-stuffing run tries 20,000 logins once each as fast as it can, then it gets at most the burst plus the budget a minute, and a quiet spell lets ordinary logins through again', () => {
    const { identify, advance } = gateway(100);
    let answered = 0;
    let throttled = 0;
    // 20,000 attempts in 10 minutes (33 a second) against the integration.
    for (let attempt = 0; attempt < 20_000; attempt++) {
      advance(30);
      const outcome = identify(cpf(1_000_000 + attempt), 'senha123');
      if (outcome.kind === 'throttled') throttled += 1;
      else answered += 1;
    }
    const minutes = (20_000 * 30) / minute;
    expect(answered).toBeLessThanOrEqual(d.identifyFailureBurst + d.identifyFailureBudget * minutes + 1);
    expect(answered).toBeGreaterThanOrEqual(d.identifyFailureBudget * minutes);
    expect(throttled).toBe(20_000 - answered);
    // While it runs, identify is refused for everyone on the integration (the oracle stays shut)…
    expect(identify(cpf(1), cpf(1))).toMatchObject({ kind: 'throttled', retryAfterSeconds: 1 });
    // …and a second later a token is back.
    advance(1_000);
    expect(identify(cpf(1), cpf(1))).toMatchObject({ kind: 'identified' });
  });

  it('R14 (b): when one login is guessed at for an hour, then it gets 10 tries, then lockouts of 15, 30 and 60 minutes, and nobody else is affected', () => {
    const { identify, advance } = gateway(100);
    let answered = 0;
    for (let second = 0; second < 3_600; second++) {
      advance(1_000);
      if (identify(cpf(7), `guess-${second}`).kind !== 'throttled') answered += 1;
      if (second % 60 === 0) expect(identify(cpf(8), cpf(8))).toMatchObject({ kind: 'identified' });
    }
    // 10 in the first 15 minutes, then 10 after each lockout ends (15 + 30 min): 30 guesses in the hour.
    expect(answered).toBe(30);
  });

  it('R14 (c): when NEO passes the end user\'s address, then one address failing over many logins is locked out after 30 failures a minute, and other addresses are not', () => {
    const { identify, advance } = gateway(100);
    const outcomes: string[] = [];
    for (let login = 0; login < 100; login++) {
      advance(100);
      outcomes.push(identify(cpf(10_000 + login), 'senha123', '198.51.100.23').kind);
    }
    expect(outcomes.filter((kind) => kind !== 'throttled')).toHaveLength(30);
    expect(outcomes.slice(30).every((kind) => kind === 'throttled')).toBe(true);
    expect(identify(cpf(3), cpf(3), '198.51.100.23')).toMatchObject({ kind: 'throttled' });
    expect(identify(cpf(3), cpf(3), '198.51.100.24')).toMatchObject({ kind: 'identified' });
    expect(identify(cpf(4), cpf(4))).toMatchObject({ kind: 'identified' });
    // IPv6: addresses of one /64 (one subscriber line) count together (the HTTP side keys them so).
    for (let i = 0; i < 30; i++) identify(cpf(20_000 + i), 'x', limiterKeyOf(`2001:db8:1:2::${i.toString(16)}`));
    expect(identify(cpf(5), cpf(5), limiterKeyOf('2001:db8:1:2:aaaa::ffff'))).toMatchObject({ kind: 'throttled' });
    expect(identify(cpf(5), cpf(5), limiterKeyOf('2001:db8:1:3::1'))).toMatchObject({ kind: 'identified' });
  });
});
