import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../src/system.ts';
import { eventually, getJson, startSystemUnderTest, type SystemUnderTest } from './support/system-under-test.ts';

/**
 * The walking skeleton (issue 2, §3): one thin flow through the HTTP APIs of all four services,
 * on real PostgreSQL and NATS when the environment provides them (CI does), else on the embedded
 * equivalents.
 */
describe('walking skeleton: from an operator API call to NEO callback', () => {
  let sut: SystemUnderTest;
  let system: RunningSystem;

  beforeAll(async () => {
    sut = await startSystemUnderTest('walking skeleton');
    ({ system } = sut);
  });

  afterAll(() => sut?.stop());

  const call: SystemUnderTest['call'] = (...args) => sut.call(...args);

  it('when an operator sets up NEO and a customer, then NEO identifies and authorises them; when the service is cancelled, then authorise denies within a second', async () => {
    // 1. catalog: a NEO integration logging in by CPF, its products synced, a package granting mumo.
    const integration = await call(system.urls.catalog, 'POST', '/v1/integrations', {
      description: 'NEO',
      loginField: 'cpf_cnpj',
      platform: sut.platform(),
    });
    expect(integration.status).toBe(201);
    const callbackUrl: string = integration.body.callbackUrl;
    expect(callbackUrl).toContain(`/v1/callback/${integration.body.id}/`);

    const sync = await call(system.urls.catalog, 'POST', `/v1/integrations/${integration.body.id}/sync`);
    expect(sync.status).toBe(200);
    expect(sync.body.added).toContain('mumo');

    const pkg = await call(system.urls.catalog, 'POST', '/v1/packages', {
      description: 'Música',
      priceCents: 1990,
      grants: [{ integrationId: integration.body.id, productCodes: ['mumo'] }],
    });
    expect(pkg.status).toBe(201);

    // 2. subscriptions: a customer with a CPF, an enabled service, the package attached.
    const customer = await call(system.urls.subscriptions, 'POST', '/v1/customers', { name: 'Maria', document: '529.982.247-25' });
    expect(customer.status).toBe(201);
    expect(customer.body.documentMasked).toBe('***.982.247-**');
    const service = await call(system.urls.subscriptions, 'POST', `/v1/customers/${customer.body.id}/services`, { status: 'enabled' });
    expect(service.status).toBe(201);
    const attached = await call(system.urls.subscriptions, 'POST', `/v1/services/${service.body.id}/packages`, { packageId: pkg.body.id, consent: { channel: 'in_person', at: '2020-01-01T00:00:00Z', by: 'test operator' } });
    expect(attached.status).toBe(201);
    expect(attached.body.priceCents).toBe(1990);

    // R13: a random subscriber id was assigned, and the entitlement published with the change.
    const held = await call(system.urls.subscriptions, 'GET', `/v1/customers/${customer.body.id}`);
    const subscriberId: string = held.body.entitlements[0].subscriberId;
    expect(subscriberId).toMatch(/^[A-Za-z0-9_-]{16,}$/);

    // 3. neo-gateway: its view follows the bus; authorise, then identify by CPF (password = CPF, R2).
    const allowed = await eventually(async () => {
      const answer = await getJson(`${callbackUrl}/authorise?subscriber_id=${subscriberId}&product=mumo`);
      return answer.allowed ? answer : undefined;
    });
    expect(allowed).toMatchObject({ allowed: true, reason: 'subscribed' });
    expect(allowed.ttl_seconds).toBeGreaterThan(0);
    expect(await post(`${callbackUrl}/identify`, { login: '52998224725', password: '529.982.247-25' })).toEqual({
      identified: true,
      subscriber_id: subscriberId,
      status: 'active',
    });
    expect(await post(`${callbackUrl}/identify`, { login: '52998224725', password: '11144477735' })).toEqual({ identified: false, reason: 'wrong_password' });
    expect(await getJson(`${callbackUrl}/authorise?subscriber_id=${subscriberId}&product=kiddle`)).toMatchObject({ allowed: false, reason: 'not_subscribed' });

    // A wrong secret reveals nothing (R3).
    const wrongSecret = await fetch(`${callbackUrl.replace(/\/[^/]+$/, '/not-the-secret')}/authorise?subscriber_id=${subscriberId}&product=mumo`);
    expect(wrongSecret.status).toBe(404);

    // 4. Cancel the service: within a second, with no restart, authorise denies with a reason (R12).
    const cancelled = await call(system.urls.subscriptions, 'POST', `/v1/services/${service.body.id}/status`, { status: 'cancelled' });
    expect(cancelled.status).toBe(200);
    const denied = await eventually(async () => {
      const answer = await getJson(`${callbackUrl}/authorise?subscriber_id=${subscriberId}&product=mumo`);
      return answer.allowed === false ? answer : undefined;
    }, 1_000);
    expect(denied).toMatchObject({ allowed: false, reason: 'service_cancelled' });
  });
});

async function post(url: string, body: unknown): Promise<Record<string, any>> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await response.json()) as Record<string, any>;
}
