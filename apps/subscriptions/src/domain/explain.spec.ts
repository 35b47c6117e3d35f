import { GrantState } from '@sva/contracts';
import { describe, expect, it } from 'vitest';
import { computeEntitlement, toEntitlementRecord, type CustomerSnapshot, type HeldPackage, type ServiceSnapshot } from './entitlement.ts';
import { explainProduct, type ExplainInput } from './explain.ts';
import { createLoginHasher } from './login-keys.ts';
import type { PlanTerms } from './plan.ts';
import { reasonForState } from './reasons.ts';
import type { ServiceStatus } from './service-status.ts';

const hasher = createLoginHasher('test-login-hash-key-0123456789abcdef');
const now = new Date('2026-11-28T12:00:00Z');
const neo = { id: 'neo', loginField: 'cpf_cnpj' as const, syncSubscriptionStatus: true, active: true, singlePackage: false };

const held = (packageId: string, products: string[], extra: Partial<HeldPackage> = {}): HeldPackage => ({
  attachmentId: `a-${packageId}`,
  packageId,
  products,
  trialEndsAt: null,
  detachedAt: null,
  detachReason: null,
  ...extra,
});
const service = (id: string, status: ServiceStatus, packages: HeldPackage[]): ServiceSnapshot => ({ id, status, login: null, packages });
const customer = (services: ServiceSnapshot[], delinquent = false): CustomerSnapshot => ({
  id: 'c1',
  document: { key: 'document-key-0123456789', verifier: 'document-verifier-0123456789' },
  email: null,
  code: null,
  delinquent,
  services,
});

const input = (c: CustomerSnapshot, extra: Partial<ExplainInput> = {}): ExplainInput => ({
  product: 'mumo',
  integration: neo,
  subscriberId: 'sub-0123456789',
  customer: c,
  delinquencyReason: null,
  packageNames: new Map([
    ['p-music', 'Música'],
    ['p-kids', 'Kids'],
  ]),
  serviceLogins: new Map([['s1', 'maria.pppoe']]),
  plans: new Map(),
  offers: [],
  heldForSinglePackage: [],
  published: null,
  hasher,
  now,
  timeZone: 'America/Sao_Paulo',
  ...extra,
});

describe('explain (R15, in words a support agent understands)', () => {
  it('names the service by its plan and login and the package by its name, in English or Portuguese, with the same reason code', () => {
    const plan: PlanTerms = { id: 'plan-300', name: '300 Mega', active: true, lockPackages: false, packages: [] };
    const delinquent = input(customer([service('s1', 'enabled', [held('p-music', ['mumo'])])], true), { delinquencyReason: 'invoice INV-1 overdue since 2026-12-02', plans: new Map([['s1', plan]]) });
    const english = explainProduct(delinquent);
    expect(english.summary).toBe('the service "300 Mega" (login maria.pppoe) is suspended for debt: the customer is delinquent (invoice INV-1 overdue since 2026-12-02) and integration neo syncs subscription status (R17)');
    const portuguese = explainProduct({ ...delinquent, lang: 'pt-BR' });
    expect(portuguese.reason).toBe(english.reason);
    expect(portuguese.summary).toBe('o serviço "300 Mega" (login maria.pppoe) está suspenso por débito: o cliente está inadimplente (invoice INV-1 overdue since 2026-12-02) e a integração neo sincroniza o status da assinatura (R17)');
    const ended = held('p-music', ['mumo'], { trialEndsAt: new Date('2026-11-03T15:00:00Z'), detachedAt: new Date('2026-11-03T15:00:00Z'), detachReason: 'trial_ended' });
    expect(explainProduct(input(customer([service('s1', 'enabled', [ended])]), { plans: new Map([['s1', plan]]), lang: 'pt-BR' })).summary).toBe(
      'a degustação do pacote "Música" no serviço "300 Mega" (login maria.pppoe) terminou em 03/11/2026 (R11)',
    );
  });

  it('R15: when an enabled service holds a package granting the product, then it is allowed and says which service and package', () => {
    const answer = explainProduct(input(customer([service('s1', 'enabled', [held('p-music', ['mumo'])])])));
    expect(answer).toMatchObject({ allowed: true, reason: 'subscribed' });
    expect(answer.summary).toBe('allowed: the service with login maria.pppoe is enabled and holds package "Música", which grants mumo');
  });

  it('R17: when the customer is delinquent and the integration syncs status, then the service is suspended for debt, with billing-status\'s reason', () => {
    const answer = explainProduct(input(customer([service('s1', 'enabled', [held('p-music', ['mumo'])])], true), { delinquencyReason: 'invoice INV-7 overdue since 2026-11-10' }));
    expect(answer).toMatchObject({ allowed: false, reason: 'service_suspended_debt' });
    expect(answer.summary).toBe(
      'the service with login maria.pppoe is suspended for debt: the customer is delinquent (invoice INV-7 overdue since 2026-11-10) and integration neo syncs subscription status (R17)',
    );
  });

  it('when the operator suspended the service for debt, then it says so plainly', () => {
    const answer = explainProduct(input(customer([service('s2', 'suspended_debt', [held('p-music', ['mumo'])])])));
    expect(answer.summary).toBe('service s2 is suspended for debt');
  });

  it('R11: when the trial ended, then it gives the date in the provider time zone', () => {
    const ended = held('p-music', ['mumo'], { trialEndsAt: new Date('2026-11-04T01:00:00Z') });
    const answer = explainProduct(input(customer([service('s1', 'enabled', [ended])])));
    expect(answer).toMatchObject({ allowed: false, reason: 'trial_ended' });
    expect(answer.summary).toBe('the trial of package "Música" on the service with login maria.pppoe ended on 2026-11-03 (R11)');
  });

  it('R12: when the package was detached, or the service cancelled, or not installed yet, then it says which', () => {
    const detached = held('p-music', ['mumo'], { detachedAt: new Date('2026-11-20T15:00:00Z'), detachReason: 'detached' });
    expect(explainProduct(input(customer([service('s1', 'enabled', [detached])]))).summary).toBe(
      'package "Música" was detached from the service with login maria.pppoe on 2026-11-20 (R12)',
    );
    expect(explainProduct(input(customer([service('s3', 'cancelled', [held('p-music', ['mumo'])])]))).summary).toBe('service s3 is cancelled (R12)');
    const pending = explainProduct(input(customer([service('s3', 'awaiting_installation', [held('p-music', ['mumo'])])])));
    expect(pending).toMatchObject({ reason: 'service_pending_installation' });
    expect(pending.summary).toContain('awaiting installation');
  });

  it('R8: when nothing grants the product and the only package that does is not in the locked plan, then it says the plan locks packages', () => {
    const plan: PlanTerms = { id: 'plan-1', name: 'Fibra 500', active: true, lockPackages: true, packages: [{ packageId: 'p-music', mandatory: false, trialDays: 0 }] };
    const answer = explainProduct(
      input(customer([service('s1', 'enabled', [held('p-music', ['mumo'])])]), {
        product: 'kiddle',
        plans: new Map([['s1', plan]]),
        offers: [{ packageId: 'p-kids', description: 'Kids', active: true }],
      }),
    );
    expect(answer).toMatchObject({ allowed: false, reason: 'not_subscribed' });
    expect(answer.summary).toContain('no package the customer holds or held grants kiddle');
    expect(answer.summary).toContain('package p-kids ("Kids") is not in plan plan-1 ("Fibra 500") and the plan locks packages');
  });

  it('R10: when the integration allows a single package and the customer holds another, then the offer says so', () => {
    const answer = explainProduct(
      input(customer([service('s1', 'enabled', [held('p-music', ['mumo'])])]), {
        product: 'kiddle',
        integration: { ...neo, singlePackage: true },
        offers: [{ packageId: 'p-kids', description: 'Kids', active: true }],
        heldForSinglePackage: [{ packageId: 'p-music', description: 'Música', integrationIds: ['neo'] }],
      }),
    );
    expect(answer.details.join('\n')).toContain('allows a single package per customer');
  });

  it('R13: when the customer never held a package of the integration, then the subscriber is unknown to NEO', () => {
    const answer = explainProduct(input(customer([]), { subscriberId: null }));
    expect(answer).toMatchObject({ allowed: false, reason: 'unknown_subscriber' });
  });

  it('R1: when the integration is inactive, then nobody is allowed, and what would otherwise hold is kept as a detail', () => {
    const answer = explainProduct(input(customer([service('s1', 'enabled', [held('p-music', ['mumo'])])]), { integration: { ...neo, active: false } }));
    expect(answer).toMatchObject({ allowed: false, reason: 'integration_inactive' });
    expect(answer.details[0]).toContain('were the integration active: allowed');
  });

  it('when the gateway was last fed an older record, then the explanation says it still answers the old reason', () => {
    const ended = held('p-music', ['mumo'], { trialEndsAt: new Date('2026-11-27T00:00:00Z') });
    const answer = explainProduct(input(customer([service('s1', 'enabled', [ended])]), { published: { version: 3, state: 'active' } }));
    expect(answer.gatewayView).toEqual({ version: 3, reason: 'subscribed' });
    expect(answer.details.at(-1)).toContain('still answers subscribed');
  });

  it('R15: whatever the services and packages, explain gives the reason the gateway derives from the published record (one source of truth)', () => {
    // The gateway answers from the record: grant state → reason (apps/neo-gateway/src/domain/decisions.ts).
    const gateway = (record: ReturnType<typeof toEntitlementRecord>, product: string) => {
      const grant = record.grants.find((g) => g.product === product);
      return grant ? reasonForState[grant.state] : 'not_subscribed';
    };
    const statuses: ServiceStatus[] = ['awaiting_installation', 'enabled', 'suspended_debt', 'suspended_request', 'cancelled'];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const seen = new Set<string>();
    for (let round = 0; round < 2_000; round += 1) {
      const services = Array.from({ length: 1 + random(3) }, (_, s) =>
        service(
          `s${s}`,
          statuses[random(statuses.length)]!,
          Array.from({ length: random(3) }, (_, p) =>
            held(`p${s}${p}`, random(2) ? ['mumo'] : ['mumo', 'kiddle'], {
              trialEndsAt: random(4) === 0 ? new Date(now.getTime() + (random(2) ? -1 : 1) * 86_400_000) : null,
              ...(random(5) === 0 ? { detachedAt: now, detachReason: random(2) ? 'detached' : 'trial_ended' } : {}),
            }),
          ),
        ),
      );
      const c = customer(services, random(3) === 0);
      const terms = { ...neo, syncSubscriptionStatus: random(2) === 0 };
      const record = toEntitlementRecord(computeEntitlement(c, terms, hasher, now), { integrationId: 'neo', customerId: 'c1', subscriberId: 'sub-0123456789' }, 1, now);
      for (const product of ['mumo', 'kiddle']) {
        const answer = explainProduct(input(c, { product, integration: terms }));
        expect(answer.reason).toBe(gateway(record, product));
        expect(answer.allowed).toBe(answer.reason === 'subscribed');
        seen.add(answer.reason);
      }
    }
    // The generator reached every grant state.
    for (const state of GrantState.options) expect(seen).toContain(reasonForState[state]);
  });
});
