import type { EntitlementV1, GrantState } from '@sva/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cpf, customerId, entitlementRecord, hashKey, integrationId, integrationRecord, subscriberId } from '../../test/fixtures.ts';
import { createLoginDigests, createLoginHasher } from '../domain/login-keys.ts';
import { EntitlementView, type ViewIntegration } from './entitlement-view.ts';

const digests = createLoginDigests(hashKey);

function viewWith(...records: EntitlementV1[]): { view: EntitlementView; integration: ViewIntegration } {
  const view = new EntitlementView();
  view.applyIntegration(integrationRecord());
  for (const record of records) view.applyEntitlement(record);
  return { view, integration: view.integration(integrationId)! };
}

describe('entitlement view', () => {
  it('LOGIN_HASH_KEY rotation: when records carry key ids of the old and the new key, then identify finds both while the old key is a previous key, and only the new one without it', () => {
    const oldKey = 'old-login-hash-key-0123456789abcdef';
    const newKey = 'new-login-hash-key-0123456789abcdef';
    const recordUnder = (key: string, n: number): EntitlementV1 => {
      const h = createLoginHasher(key);
      const loginKey = h.key('cpf_cnpj', cpf(n));
      return { ...entitlementRecord({ n }), logins: [{ key: loginKey, verifier: h.verifier('cpf_cnpj', loginKey, cpf(n)) }] };
    };
    const { view, integration } = viewWith(recordUnder(oldKey, 1), recordUnder(newKey, 2));
    const [oldDigests, newDigests] = [createLoginDigests(oldKey), createLoginDigests(newKey)];
    // Before: only the old key configured.
    expect(view.identify(integration, cpf(1), cpf(1), oldDigests)).toMatchObject({ identified: true, subscriberId: subscriberId(1) });
    // During: the new key current, the old one previous: both records identify; a wrong password is still wrong.
    expect(view.identify(integration, cpf(1), cpf(1), newDigests, true, [oldDigests])).toMatchObject({ identified: true, subscriberId: subscriberId(1) });
    expect(view.identify(integration, cpf(2), cpf(2), newDigests, true, [oldDigests])).toMatchObject({ identified: true, subscriberId: subscriberId(2) });
    expect(view.identify(integration, cpf(1), cpf(2), newDigests, true, [oldDigests])).toEqual({ identified: false, reason: 'wrong_password' });
    // After: the old key removed: a record it made is no longer found.
    expect(view.identify(integration, cpf(1), cpf(1), newDigests)).toEqual({ identified: false, reason: 'unknown_login' });
    expect(view.identify(integration, cpf(2), cpf(2), newDigests)).toMatchObject({ identified: true });
  });

  it('R14: when the login and password match, then identify answers the subscriber id and status', () => {
    const { view, integration } = viewWith(entitlementRecord({ n: 1, status: 'suspended' }));
    expect(view.identify(integration, '000.000.000-01', cpf(1), digests)).toEqual({ identified: true, subscriberId: subscriberId(1), status: 'suspended' });
  });

  it('R14: an unknown login and a wrong password are told apart', () => {
    const { view, integration } = viewWith(entitlementRecord({ n: 1 }));
    expect(view.identify(integration, cpf(2), cpf(2), digests)).toEqual({ identified: false, reason: 'unknown_login' });
    expect(view.identify(integration, cpf(1), cpf(2), digests)).toEqual({ identified: false, reason: 'wrong_password' });
  });

  it('R1: when the integration is inactive, then identify says so', () => {
    const { view } = viewWith(entitlementRecord({ n: 1 }));
    view.applyIntegration(integrationRecord({ version: 2, active: false }));
    expect(view.identify(view.integration(integrationId)!, cpf(1), cpf(1), digests)).toEqual({ identified: false, reason: 'integration_inactive' });
  });

  it('R2: when the login field is the network login, then its own password is checked', () => {
    const { view } = viewWith();
    view.applyIntegration(integrationRecord({ version: 2, loginField: 'login_autenticacao' }));
    view.applyEntitlement(entitlementRecord({ n: 1, field: 'login_autenticacao', logins: [['maria.pppoe', 'S3nh@ forte'], ['maria.backup', 'outra']] }));
    const integration = view.integration(integrationId)!;
    expect(view.identify(integration, ' maria.pppoe ', 'S3nh@ forte', digests)).toMatchObject({ identified: true });
    expect(view.identify(integration, 'maria.backup', 'outra', digests)).toMatchObject({ identified: true });
    expect(view.identify(integration, 'maria.pppoe', 'outra', digests)).toEqual({ identified: false, reason: 'wrong_password' });
  });

  it('R15: when asked for a product, then the grant state is found, and undefined when not held', () => {
    const { view, integration } = viewWith(entitlementRecord({ n: 1, grants: [{ product: 'mumo', state: 'active' }, { product: 'kiddle', state: 'suspended_debt' }] }));
    const slot = view.findSubscriber(integration, subscriberId(1));
    expect(view.grantState(slot, 'kiddle')).toBe('suspended_debt');
    expect(view.grantState(slot, 'mumo')).toBe('active');
    expect(view.grantState(slot, 'nope')).toBeUndefined();
    expect(view.findSubscriber(integration, subscriberId(2))).toBe(-1);
    expect(view.findSubscriber(integration, 'x'.repeat(65))).toBe(-1);
  });

  it('when an older or equal version arrives after a newer one, then it is ignored', () => {
    const { view } = viewWith(entitlementRecord({ n: 1, version: 2, grants: [{ product: 'mumo', state: 'cancelled' }] }));
    expect(view.applyEntitlement(entitlementRecord({ n: 1, version: 1 }))).toBe(false);
    expect(view.applyEntitlement(entitlementRecord({ n: 1, version: 2 }))).toBe(false);
    expect(view.entitlement(integrationId, subscriberId(1))?.grants).toEqual([{ product: 'mumo', state: 'cancelled' }]);
  });

  it('when a record drops a login, then that login no longer identifies', () => {
    const { view, integration } = viewWith(entitlementRecord({ n: 1 }));
    view.applyEntitlement(entitlementRecord({ n: 1, version: 2, logins: [[cpf(7), cpf(7)]] }));
    expect(view.identify(integration, cpf(1), cpf(1), digests)).toEqual({ identified: false, reason: 'unknown_login' });
    expect(view.identify(integration, cpf(7), cpf(7), digests)).toMatchObject({ identified: true, subscriberId: subscriberId(1) });
    expect(view.stats().logins).toBe(1);
  });

  it('when an integration update is older, then it is ignored', () => {
    const view = new EntitlementView();
    view.applyIntegration(integrationRecord({ version: 3, active: false }));
    expect(view.applyIntegration(integrationRecord({ version: 2 }))).toBe(false);
    expect(view.integration(integrationId)?.active).toBe(false);
  });

  it('when a record is removed, then its subscriber and logins are gone and the slot is reused', () => {
    const { view, integration } = viewWith(entitlementRecord({ n: 1 }), entitlementRecord({ n: 2 }));
    expect(view.removeEntitlement(integrationId, customerId(1))).toBe(true);
    expect(view.removeEntitlement(integrationId, customerId(1))).toBe(false);
    expect(view.findSubscriber(integration, subscriberId(1))).toBe(-1);
    expect(view.identify(integration, cpf(1), cpf(1), digests)).toEqual({ identified: false, reason: 'unknown_login' });
    view.applyEntitlement(entitlementRecord({ n: 3 }));
    expect(view.stats()).toMatchObject({ subscribers: 2, logins: 2 });
    expect(view.identify(integration, cpf(3), cpf(3), digests)).toMatchObject({ identified: true, subscriberId: subscriberId(3) });
    expect(view.identify(integration, cpf(2), cpf(2), digests)).toMatchObject({ identified: true, subscriberId: subscriberId(2) });
  });

  it('when ids are long or not Latin-1 and grants are many, then they are kept beside the columns and still found', () => {
    const many = ['a', 'b', 'c', 'd', 'e', 'f'].map((product, i) => ({ product, state: (['active', 'cancelled'] as const)[i % 2]! }));
    const { view, integration } = viewWith(
      entitlementRecord({ n: 1, subscriber: 'sub-'.padEnd(64, 'x'), grants: many }),
      entitlementRecord({ n: 2, subscriber: 'assinante-ção-😀' }),
    );
    expect(view.entitlement(integrationId, 'sub-'.padEnd(64, 'x'))?.grants).toEqual(many);
    expect(view.grantState(view.findSubscriber(integration, 'sub-'.padEnd(64, 'x')), 'f')).toBe('cancelled');
    expect(view.identify(integration, cpf(2), cpf(2), digests)).toMatchObject({ subscriberId: 'assinante-ção-😀' });
  });

  it('when versions outgrow 32 bits or product codes outgrow the inline grants, then nothing is lost', () => {
    const { view, integration } = viewWith(entitlementRecord({ n: 1, version: 2 ** 32 + 5 }));
    expect(view.applyEntitlement(entitlementRecord({ n: 1, version: 2 ** 32 + 4 }))).toBe(false);
    expect(view.applyEntitlement(entitlementRecord({ n: 1, version: 2 ** 32 + 6, grants: [{ product: 'mumo', state: 'trial_ended' }] }))).toBe(true);
    expect(view.entitlement(integrationId, subscriberId(1))).toMatchObject({ version: 2 ** 32 + 6 });
    for (let p = 0; p < 8_200; p++) view.applyEntitlement(entitlementRecord({ n: 2, version: p + 1, grants: [{ product: `p${p}`, state: 'active' }] }));
    const slot = view.findSubscriber(integration, subscriberId(2));
    expect(view.grantState(slot, 'p8199')).toBe('active');
    expect(view.grantState(slot, 'p0')).toBeUndefined();
    expect(view.stats().products).toBe(8_201);
  });

  it('when two integrations have the same customer and login, then each answers for its own', () => {
    const other = '5f0c7d3a-9e1b-4c2d-8a7f-123456789abc';
    const { view, integration } = viewWith(entitlementRecord({ n: 1 }));
    view.applyIntegration(integrationRecord({ integrationId: other }));
    view.applyEntitlement(entitlementRecord({ n: 1, integration: other, subscriber: 'other-subscriber-1' }));
    expect(view.identify(integration, cpf(1), cpf(1), digests)).toMatchObject({ subscriberId: subscriberId(1) });
    expect(view.identify(view.integration(other)!, cpf(1), cpf(1), digests)).toMatchObject({ subscriberId: 'other-subscriber-1' });
    expect(view.findSubscriber(integration, 'other-subscriber-1')).toBe(-1);
  });

  it('when records are applied and removed in any order, then the view answers like a map of the latest records', () => {
    const states: GrantState[] = ['active', 'suspended_debt', 'cancelled', 'trial_ended'];
    const operation = fc.record({
      n: fc.integer({ min: 0, max: 40 }),
      remove: fc.boolean(),
      version: fc.integer({ min: 1, max: 6 }),
      grants: fc.uniqueArray(fc.record({ product: fc.constantFrom('mumo', 'kiddle', 'a', 'b', 'c', 'd'), state: fc.constantFrom(...states) }), { selector: (g) => g.product, maxLength: 6 }),
      login: fc.integer({ min: 0, max: 60 }),
    });
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 120 }), (operations) => {
        const view = new EntitlementView();
        view.applyIntegration(integrationRecord());
        const integration = view.integration(integrationId)!;
        const model = new Map<number, { version: number; grants: typeof operations[number]['grants']; login: number }>();
        const owners = new Map<number, number>();
        for (const op of operations) {
          if (op.remove) {
            expect(view.removeEntitlement(integrationId, customerId(op.n))).toBe(model.has(op.n));
            const held = model.get(op.n);
            if (held && owners.get(held.login) === op.n) owners.delete(held.login);
            model.delete(op.n);
            continue;
          }
          const held = model.get(op.n);
          const newer = !held || op.version > held.version;
          expect(view.applyEntitlement(entitlementRecord({ n: op.n, version: op.version, grants: op.grants, logins: [[cpf(op.login), cpf(op.login)]] }))).toBe(newer);
          if (newer) {
            if (held && owners.get(held.login) === op.n) owners.delete(held.login);
            model.set(op.n, { version: op.version, grants: op.grants, login: op.login });
            owners.set(op.login, op.n);
          }
        }
        expect(view.stats().subscribers).toBe(model.size);
        for (let n = 0; n <= 40; n++) {
          const held = model.get(n);
          const seen = view.entitlement(integrationId, subscriberId(n));
          if (!held) expect(seen).toBeUndefined();
          else expect(seen).toMatchObject({ customerId: customerId(n), version: held.version, grants: held.grants, logins: 1 });
        }
        for (let login = 0; login <= 60; login++) {
          const owner = owners.get(login);
          const answer = view.identify(integration, cpf(login), cpf(login), digests);
          expect(answer).toEqual(owner === undefined ? { identified: false, reason: 'unknown_login' } : { identified: true, subscriberId: subscriberId(owner), status: 'active' });
        }
      }),
      { numRuns: 200 },
    );
  });

  it('when 100k subscribers are held, then every one is found and the layout takes under 200 bytes each', () => {
    const view = new EntitlementView();
    view.applyIntegration(integrationRecord());
    const integration = view.integration(integrationId)!;
    const base = entitlementRecord({ n: 0 });
    for (let n = 0; n < 100_000; n++) {
      view.applyEntitlement({ ...base, customerId: customerId(n), subscriberId: subscriberId(n), logins: [{ key: base.logins[0]!.key.slice(0, 37) + String(n).padStart(6, '0'), verifier: base.logins[0]!.verifier }] });
    }
    for (let n = 0; n < 100_000; n += 997) expect(view.findSubscriber(integration, subscriberId(n))).toBeGreaterThanOrEqual(0);
    const stats = view.stats();
    expect(stats.subscribers).toBe(100_000);
    expect(stats.bytes / stats.subscribers).toBeLessThan(200);
  });
});
