import { randomBytes } from 'node:crypto';
import { migrationsDir as billingMigrations } from '@sva/billing-status';
import { connectNatsBus, createMemoryBus, type Bus } from '@sva/bus';
import { migrationsDir as catalogMigrations } from '@sva/catalog';
import { startNeoSimulator, type NeoSimulator } from '@sva/neo-simulator';
import { migrationsDir as subscriptionsMigrations } from '@sva/subscriptions';
import { provisionDatabase, resolveNats } from '@sva/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type RunningSystem } from '../src/system.ts';

/**
 * The walking skeleton (issue 2, §3): one thin flow through the HTTP APIs of all four services,
 * on real PostgreSQL and NATS when the environment provides them (CI does), else on the embedded
 * equivalents.
 */
describe('walking skeleton: from an operator API call to NEO callback', () => {
  const apiKey = randomBytes(32).toString('base64url');
  const cleanups: Array<() => Promise<unknown>> = [];
  let system: RunningSystem;
  let simulator: NeoSimulator;

  beforeAll(async () => {
    const nats = await resolveNats();
    cleanups.push(() => nats.stop());
    const bus: Bus = nats.url ? await connectNatsBus({ servers: nats.url, prefix: nats.prefix }) : createMemoryBus();
    cleanups.push(() => bus.close());
    const [catalog, subscriptions, billing] = await Promise.all([
      provisionDatabase({ migrationsDir: catalogMigrations, label: 'catalog' }),
      provisionDatabase({ migrationsDir: subscriptionsMigrations, label: 'subscriptions' }),
      provisionDatabase({ migrationsDir: billingMigrations, label: 'billing' }),
    ]);
    cleanups.push(() => catalog.drop(), () => subscriptions.drop(), () => billing.drop());
    console.info(`walking skeleton on PostgreSQL from ${catalog.source}, bus: ${nats.url ? `NATS (${nats.source})` : 'in-process (no NATS available)'}`);
    simulator = await startNeoSimulator();
    cleanups.push(() => simulator.stop());
    system = await startSystem({
      bus,
      databases: { catalog, subscriptions, billing },
      secrets: { apiKey, loginHashKey: randomBytes(32).toString('base64url'), credentialsKey: randomBytes(32).toString('base64url') },
      ports: { catalog: 0, subscriptions: 0, billing: 0, gateway: 0 },
    });
    cleanups.unshift(() => system.stop());
  });

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  const call = async (base: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it('when an operator sets up NEO and a customer, then NEO identifies and authorises them; when the service is cancelled, then authorise denies within a second', async () => {
    // 1. catalog: a NEO integration logging in by CPF, its products synced, a package granting mumo.
    const integration = await call(system.urls.catalog, 'POST', '/v1/integrations', {
      description: 'NEO',
      loginField: 'cpf_cnpj',
      platform: { baseUrl: simulator.url, clientId: simulator.credentials.clientId, clientSecret: simulator.credentials.clientSecret },
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
    const attached = await call(system.urls.subscriptions, 'POST', `/v1/services/${service.body.id}/packages`, { packageId: pkg.body.id });
    expect(attached.status).toBe(201);
    expect(attached.body.priceCents).toBe(1990);

    // R13: a random subscriber id was assigned, and the entitlement published with the change.
    const held = await call(system.urls.subscriptions, 'GET', `/v1/customers/${customer.body.id}`);
    const subscriberId: string = held.body.entitlements[0].subscriberId;
    expect(subscriberId).toMatch(/^[A-Za-z0-9_-]{16,}$/);

    // 3. neo-gateway: its view follows the bus; authorise, then identify by CPF (password = CPF, R2).
    const allowed = await eventually(async () => {
      const answer = await get(`${callbackUrl}/authorise?subscriber_id=${subscriberId}&product=mumo`);
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
    expect(await get(`${callbackUrl}/authorise?subscriber_id=${subscriberId}&product=kiddle`)).toMatchObject({ allowed: false, reason: 'not_subscribed' });

    // A wrong secret reveals nothing (R3).
    const wrongSecret = await fetch(`${callbackUrl.replace(/\/[^/]+$/, '/not-the-secret')}/authorise?subscriber_id=${subscriberId}&product=mumo`);
    expect(wrongSecret.status).toBe(404);

    // 4. Cancel the service: within a second, with no restart, authorise denies with a reason (R12).
    const cancelled = await call(system.urls.subscriptions, 'POST', `/v1/services/${service.body.id}/status`, { status: 'cancelled' });
    expect(cancelled.status).toBe(200);
    const denied = await eventually(async () => {
      const answer = await get(`${callbackUrl}/authorise?subscriber_id=${subscriberId}&product=mumo`);
      return answer.allowed === false ? answer : undefined;
    }, 1_000);
    expect(denied).toMatchObject({ allowed: false, reason: 'service_cancelled' });
  });
});

async function post(url: string, body: unknown): Promise<Record<string, any>> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await response.json()) as Record<string, any>;
}

async function get(url: string): Promise<Record<string, any>> {
  return (await (await fetch(url)).json()) as Record<string, any>;
}

/** Poll until `probe` returns a value, or fail after `timeoutMs`. */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
