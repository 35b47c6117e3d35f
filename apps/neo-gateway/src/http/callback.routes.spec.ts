import { createHash } from 'node:crypto';
import type { EntitlementV1, GatewayIntegrationV1 } from '@sva/contracts';
import { createHttpApp, createLogger } from '@sva/service-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLoginHasher } from '../domain/login-keys.ts';
import { EntitlementView } from '../view/entitlement-view.ts';
import { callbackRoutes } from './callback.routes.ts';

const hasher = createLoginHasher('test-login-hash-key-0123456789abcdef');
const integrationId = '0b9f8a84-8a39-4d6f-9b6f-6f0f7f0e5d11';
const sha = (secret: string) => createHash('sha256').update(secret).digest('base64url');
const cpf = '52998224725';
const base = `/v1/callback/${integrationId}/current-secret`;

function build(now = new Date('2026-11-28T00:00:00Z')) {
  const view = new EntitlementView();
  const integration: GatewayIntegrationV1 = {
    integrationId,
    version: 1,
    active: true,
    loginField: 'cpf_cnpj',
    syncSubscriptionStatus: true,
    secretVerifiers: [
      { sha256: sha('current-secret'), validUntil: null },
      { sha256: sha('previous-secret'), validUntil: '2026-11-28T01:00:00.000Z' },
    ],
  };
  view.applyIntegration(integration);
  const record: EntitlementV1 = {
    integrationId,
    customerId: '6f7b3c1e-2f43-4c1a-9a51-0d6a3c2b1e01',
    subscriberId: 'sub-0123456789',
    version: 1,
    status: 'active',
    logins: [{ key: hasher.key('cpf_cnpj', cpf), verifier: hasher.verifier('cpf_cnpj', cpf) }],
    grants: [{ product: 'mumo', state: 'active' }],
    changedAt: '2026-11-28T00:00:00.000Z',
  };
  view.applyEntitlement(record);
  const { app } = createHttpApp({ name: 'gw', version: '0', logger: createLogger({ name: 'gw', level: 'silent' }), readiness: async () => ({ ready: true, checks: {} }) });
  callbackRoutes(app, {
    view,
    hasher,
    allowTtlSeconds: 300,
    denyTtlSeconds: 30,
    identifyFailuresPerAddress: 5,
    identifyFailuresPerLogin: 3,
    clock: () => now,
  });
  return { app, view };
}

describe('callback contract v1', () => {
  let app: ReturnType<typeof build>['app'];
  beforeEach(() => {
    app = build().app;
  });
  afterEach(() => app.close());

  it('R14: when NEO identifies with CPF as login and password, then it gets the subscriber id', async () => {
    const response = await app.inject({ method: 'POST', url: `${base}/identify`, payload: { login: '529.982.247-25', password: cpf } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ identified: true, subscriber_id: 'sub-0123456789', status: 'active' });
  });

  it('R15: when NEO authorises a held product, then allowed with the allow TTL; otherwise the deny TTL', async () => {
    const allowed = await app.inject({ url: `${base}/authorise?subscriber_id=sub-0123456789&product=mumo` });
    expect(allowed.json()).toEqual({ allowed: true, reason: 'subscribed', ttl_seconds: 300 });
    const denied = await app.inject({ url: `${base}/authorise?subscriber_id=sub-0123456789&product=kiddle` });
    expect(denied.json()).toEqual({ allowed: false, reason: 'not_subscribed', ttl_seconds: 30 });
  });

  it('R3: when the secret is wrong or the integration unknown, then the same 404 reveals nothing', async () => {
    const wrongSecret = await app.inject({ url: `/v1/callback/${integrationId}/guess/authorise?subscriber_id=sub-0123456789&product=mumo` });
    const unknown = await app.inject({ url: '/v1/callback/00000000-0000-4000-8000-000000000000/current-secret/authorise?subscriber_id=sub-0123456789&product=mumo' });
    expect(wrongSecret.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(wrongSecret.json().code).toBe('GATEWAY_CALLBACK_NOT_FOUND');
    expect({ ...wrongSecret.json(), instance: undefined }).toEqual({ ...unknown.json(), instance: undefined });
  });

  it('R3: when the secret was rotated, then the previous one works during the overlap only', async () => {
    const during = await app.inject({ url: `/v1/callback/${integrationId}/previous-secret/authorise?subscriber_id=sub-0123456789&product=mumo` });
    expect(during.statusCode).toBe(200);
    const later = build(new Date('2026-11-28T01:00:01Z')).app;
    const after = await later.inject({ url: `/v1/callback/${integrationId}/previous-secret/authorise?subscriber_id=sub-0123456789&product=mumo` });
    expect(after.statusCode).toBe(404);
    await later.close();
  });

  it('when input is malformed, then 400 problem+json naming the field, never 500', async () => {
    const noBody = await app.inject({ method: 'POST', url: `${base}/identify`, headers: { 'content-type': 'application/json' }, payload: '{"login":' });
    expect(noBody.statusCode).toBe(400);
    expect(noBody.headers['content-type']).toContain('application/problem+json');
    const badProduct = await app.inject({ url: `${base}/authorise?subscriber_id=sub-0123456789&product=NOT%20A%20CODE` });
    expect(badProduct.statusCode).toBe(400);
    expect(badProduct.json().errors[0].path).toBe('querystring.product');
  });

  it('R14: when one login keeps failing, then it gets 429 with Retry-After (credential stuffing)', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const response = await app.inject({ method: 'POST', url: `${base}/identify`, payload: { login: cpf, password: `guess-${attempt}` } });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it('R14: when one address tries many logins, then it gets 429 too', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 7; attempt += 1) {
      const response = await app.inject({ method: 'POST', url: `${base}/identify`, payload: { login: `0000000000${attempt}`, password: 'x' } });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});
