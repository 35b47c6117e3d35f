import { describe, expect, it } from 'vitest';
import {
  computeEntitlement,
  entitlementDigest,
  sameEntitlement,
  toEntitlementRecord,
  type CustomerSnapshot,
  type HeldPackage,
  type IntegrationTerms,
  type ServiceSnapshot,
} from './entitlement.ts';
import { createLoginHasher } from './login-keys.ts';

const hasher = createLoginHasher('test-login-hash-key-0123456789abcdef');
const now = new Date('2026-11-28T12:00:00Z');
const syncing: IntegrationTerms = { id: 'i1', loginField: 'cpf_cnpj', syncSubscriptionStatus: true };
const notSyncing: IntegrationTerms = { ...syncing, syncSubscriptionStatus: false };

const held = (products: string[], extra: Partial<HeldPackage> = {}): HeldPackage => ({
  attachmentId: `a-${products.join('-')}`,
  packageId: `p-${products.join('-')}`,
  products,
  trialEndsAt: null,
  detachedAt: null,
  detachReason: null,
  ...extra,
});

const service = (id: string, status: ServiceSnapshot['status'], packages: HeldPackage[], login: ServiceSnapshot['login'] = null): ServiceSnapshot => ({ id, status, login, packages });

const customer = (services: ServiceSnapshot[], extra: Partial<CustomerSnapshot> = {}): CustomerSnapshot => ({
  id: 'c1',
  document: { key: hasher.key('cpf_cnpj', '52998224725'), verifier: hasher.verifier('cpf_cnpj', hasher.key('cpf_cnpj', '52998224725'), '52998224725') },
  email: 'maria@example.com',
  code: 'C-1',
  delinquent: false,
  services,
  ...extra,
});

const states = (c: CustomerSnapshot, terms = syncing) => Object.fromEntries(computeEntitlement(c, terms, hasher, now).decisions.map((d) => [d.product, d.state]));

describe('entitlements (R11, R12, R15, R17)', () => {
  it('R12: when an enabled service holds a package, then its products are active', () => {
    expect(states(customer([service('s1', 'enabled', [held(['mumo', 'kiddle'])])]))).toEqual({ kiddle: 'active', mumo: 'active' });
  });

  it('R12: when the service is cancelled, then the products are cancelled and the subscriber is cancelled', () => {
    const entitlement = computeEntitlement(customer([service('s1', 'cancelled', [held(['mumo'])])]), syncing, hasher, now);
    expect(entitlement.decisions.map((d) => d.state)).toEqual(['cancelled']);
    expect(entitlement.status).toBe('cancelled');
  });

  it('R12: when the package is detached, then its products are no longer active', () => {
    const detached = held(['mumo'], { detachedAt: now, detachReason: 'detached' });
    expect(states(customer([service('s1', 'enabled', [detached])]))).toEqual({ mumo: 'cancelled' });
  });

  it('R12: when the service awaits installation, then its products are pending with status sync on', () => {
    expect(states(customer([service('s1', 'awaiting_installation', [held(['mumo'])])]))).toEqual({ mumo: 'pending_installation' });
  });

  it('R15: when one of two services is eligible, then the product is allowed (best service wins)', () => {
    const c = customer([service('s1', 'suspended_debt', [held(['mumo'])]), service('s2', 'enabled', [held(['mumo'])])]);
    const decision = computeEntitlement(c, syncing, hasher, now).decisions[0]!;
    expect(decision).toMatchObject({ product: 'mumo', state: 'active', serviceId: 's2' });
  });

  it('R15: when the integration does not sync status, then a suspended (not cancelled) service is eligible', () => {
    const c = customer([service('s1', 'suspended_request', [held(['mumo'])])]);
    expect(states(c, syncing)).toEqual({ mumo: 'suspended_request' });
    expect(states(c, notSyncing)).toEqual({ mumo: 'active' });
    expect(states(customer([service('s1', 'cancelled', [held(['mumo'])])]), notSyncing)).toEqual({ mumo: 'cancelled' });
  });

  it('R17: when the customer is delinquent and the integration syncs status, then enabled services count as suspended for debt', () => {
    const c = customer([service('s1', 'enabled', [held(['mumo'])])], { delinquent: true });
    expect(states(c, syncing)).toEqual({ mumo: 'suspended_debt' });
    expect(computeEntitlement(c, syncing, hasher, now).status).toBe('suspended');
  });

  it('R17: when the customer is delinquent and the integration does not sync status, then nothing changes for the platform', () => {
    const c = customer([service('s1', 'enabled', [held(['mumo'])])], { delinquent: true });
    expect(states(c, notSyncing)).toEqual({ mumo: 'active' });
  });

  it('R11: when a trial has ended (even before the job removed it), then the product says trial_ended', () => {
    const ended = held(['mumo'], { trialEndsAt: new Date('2026-11-28T11:59:59Z') });
    const running = held(['kiddle'], { trialEndsAt: new Date('2026-11-29T00:00:00Z') });
    expect(states(customer([service('s1', 'enabled', [ended, running])]))).toEqual({ mumo: 'trial_ended', kiddle: 'active' });
    const removed = held(['mumo'], { detachedAt: now, detachReason: 'trial_ended' });
    expect(states(customer([service('s1', 'enabled', [removed])]))).toEqual({ mumo: 'trial_ended' });
  });

  it('R2: logins follow the integration login field', () => {
    const withLogin = service('s1', 'enabled', [held(['mumo'])], { key: 'k-net', verifier: 'v-net' });
    const c = customer([withLogin]);
    expect(computeEntitlement(c, syncing, hasher, now).logins).toEqual([c.document]);
    expect(computeEntitlement(c, { ...syncing, loginField: 'login_autenticacao' }, hasher, now).logins).toEqual([{ key: 'k-net', verifier: hasher.bind('k-net', 'v-net') }]);
    const emailKey = hasher.key('email', 'maria@example.com');
    expect(computeEntitlement(c, { ...syncing, loginField: 'email' }, hasher, now).logins).toEqual([{ key: emailKey, verifier: hasher.verifier('email', emailKey, 'maria@example.com') }]);
    expect(computeEntitlement(customer([withLogin], { code: null }), { ...syncing, loginField: 'customer_code' }, hasher, now).logins).toEqual([]);
  });

  it('R14: when a stored verifier predates binding (unbound), then the published record carries it bound to its login', () => {
    const key = hasher.key('cpf_cnpj', '52998224725');
    const legacy = customer([service('s1', 'enabled', [held(['mumo'])])], { document: { key, verifier: hasher.unboundVerifier('cpf_cnpj', '52998224725') } });
    const [login] = computeEntitlement(legacy, syncing, hasher, now).logins;
    expect(login).toEqual({ key, verifier: hasher.verifier('cpf_cnpj', key, '52998224725') });
    expect(login!.verifier.startsWith(`k${hasher.keyId}.b1.`)).toBe(true);
  });

  it('when nothing but the version and time differ, then records are the same (not republished)', () => {
    const entitlement = computeEntitlement(customer([service('s1', 'enabled', [held(['mumo'])])]), syncing, hasher, now);
    const ids = { integrationId: 'i1', customerId: 'c1', subscriberId: 'sub-123456' };
    const first = toEntitlementRecord(entitlement, ids, 1, now);
    const second = toEntitlementRecord(entitlement, ids, 2, new Date('2026-12-01T00:00:00Z'));
    expect(sameEntitlement(first, second)).toBe(true);
    const cancelled = toEntitlementRecord(computeEntitlement(customer([service('s1', 'cancelled', [held(['mumo'])])]), syncing, hasher, now), ids, 3, now);
    expect(sameEntitlement(first, cancelled)).toBe(false);
  });
});

describe('entitlement digests', () => {
  it('when two records say the same thing in another order, then their digests match; when a grant changes, then they differ', () => {
    const entitlement = computeEntitlement(customer([service('s1', 'enabled', [held(['mumo', 'kiddle'])])]), syncing, hasher, now);
    const ids = { integrationId: 'i1', customerId: 'c1', subscriberId: 'sub-123456' };
    const record = toEntitlementRecord(entitlement, ids, 1, now);
    const reordered = { ...record, version: 9, grants: [...record.grants].reverse() };
    expect(entitlementDigest(reordered)).toBe(entitlementDigest(record));
    const suspended = toEntitlementRecord(computeEntitlement(customer([service('s1', 'suspended_debt', [held(['mumo', 'kiddle'])])]), syncing, hasher, now), ids, 2, now);
    expect(entitlementDigest(suspended)).not.toBe(entitlementDigest(record));
  });
});
