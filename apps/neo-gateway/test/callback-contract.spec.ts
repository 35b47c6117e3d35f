import { createMemoryBus } from '@sva/bus';
import { AuthoriseReasonV1, type GrantState } from '@sva/contracts';
import { createLogger } from '@sva/service-kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGateway } from '../src/service.ts';
import { cpf, entitlementRecord, integrationId, integrationRecord, secret, sha, subscriberId } from './fixtures.ts';
import { publishRecords, startTestGateway, type TestGateway, testConfig } from './gateway.ts';

const base = `/v1/callback/${integrationId}/${secret}`;
const inactiveIntegration = '5f0c7d3a-9e1b-4c2d-8a7f-123456789abc';
const states: GrantState[] = ['active', 'suspended_debt', 'suspended_request', 'pending_installation', 'trial_ended', 'cancelled'];

describe('callback contract v1 (R13–R15)', () => {
  let gateway: TestGateway;
  afterEach(async () => {
    await gateway?.stop();
  });

  const start = async (now = () => Date.parse('2026-11-28T00:00:00Z')) => {
    gateway = await startTestGateway({
      now,
      integrations: [
        integrationRecord({ secretVerifiers: [{ sha256: sha(secret), validUntil: null }, { sha256: sha('previous-secret-xyz'), validUntil: '2026-11-28T01:00:00.000Z' }] }),
        integrationRecord({ integrationId: inactiveIntegration, active: false }),
      ],
      entitlements: [
        ...states.map((state, n) => entitlementRecord({ n, grants: [{ product: 'mumo', state }], status: state === 'active' ? 'active' : 'suspended' })),
        entitlementRecord({ n: 50, integration: inactiveIntegration, subscriber: 'inactive-subscriber-1' }),
      ],
    });
    return gateway;
  };

  it('R14: when NEO identifies with a formatted CPF as login and password, then it gets the subscriber id and status as JSON', async () => {
    const { app } = await start();
    const response = await app.inject({ method: 'POST', url: `${base}/identify`, payload: { login: '000.000.000-00', password: cpf(0) } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.json()).toEqual({ identified: true, subscriber_id: subscriberId(0), status: 'active' });
  });

  it('R14: when the login is unknown or the password wrong, then the caller holding the secret is told which', async () => {
    const { app } = await start();
    const unknown = await app.inject({ method: 'POST', url: `${base}/identify`, payload: { login: cpf(99), password: cpf(99) } });
    const wrong = await app.inject({ method: 'POST', url: `${base}/identify`, payload: { login: cpf(1), password: cpf(2) } });
    expect(unknown.json()).toEqual({ identified: false, reason: 'unknown_login' });
    expect(wrong.json()).toEqual({ identified: false, reason: 'wrong_password' });
  });

  it.each(states.map((state, n) => [state, n] as const))('R15: when the grant is %s, then authorise answers its reason with the right TTL', async (state, n) => {
    const { app } = await start();
    const response = await app.inject({ url: `${base}/authorise?subscriber_id=${subscriberId(n)}&product=mumo` });
    expect(response.statusCode).toBe(200);
    const reason = { active: 'subscribed', suspended_debt: 'service_suspended_debt', suspended_request: 'service_suspended_request', pending_installation: 'service_pending_installation', trial_ended: 'trial_ended', cancelled: 'service_cancelled' }[state];
    expect(response.json()).toEqual({ allowed: state === 'active', reason, ttl_seconds: state === 'active' ? 60 : 30 });
  });

  it('R15: when the product is not held or the subscriber unknown, then not_subscribed and unknown_subscriber', async () => {
    const { app } = await start();
    expect((await app.inject({ url: `${base}/authorise?subscriber_id=${subscriberId(0)}&product=kiddle` })).json()).toEqual({ allowed: false, reason: 'not_subscribed', ttl_seconds: 30 });
    expect((await app.inject({ url: `${base}/authorise?subscriber_id=nobody-at-all&product=mumo` })).json()).toEqual({ allowed: false, reason: 'unknown_subscriber', ttl_seconds: 30 });
  });

  it('R1: when the integration is inactive, then identify and authorise say integration_inactive', async () => {
    const { app } = await start();
    const url = `/v1/callback/${inactiveIntegration}/${secret}`;
    expect((await app.inject({ method: 'POST', url: `${url}/identify`, payload: { login: cpf(50), password: cpf(50) } })).json()).toEqual({ identified: false, reason: 'integration_inactive' });
    expect((await app.inject({ url: `${url}/authorise?subscriber_id=inactive-subscriber-1&product=mumo` })).json()).toEqual({ allowed: false, reason: 'integration_inactive', ttl_seconds: 30 });
  });

  it('R12, R15: when an entitlement changes on the bus, then the next answer reflects it without a restart', async () => {
    const { app, bus } = await start();
    await publishRecords(bus, { entitlements: [entitlementRecord({ n: 0, version: 2, grants: [{ product: 'mumo', state: 'cancelled' }], status: 'cancelled' })] });
    await vi.waitFor(async () => {
      expect((await app.inject({ url: `${base}/authorise?subscriber_id=${subscriberId(0)}&product=mumo` })).json()).toMatchObject({ allowed: false, reason: 'service_cancelled' });
    });
  });

  it('R3: when the secret is wrong, the integration unknown or the path anything else under the callbacks, then the same 404 reveals nothing', async () => {
    const { app } = await start();
    const bodies: unknown[] = [];
    for (const url of [`/v1/callback/${integrationId}/guess`, '/v1/callback/00000000-0000-4000-8000-000000000000/' + secret, '/v1/callback/not-a-uuid/' + secret]) {
      const authorise = await app.inject({ url: `${url}/authorise?subscriber_id=${subscriberId(0)}&product=mumo` });
      const identify = await app.inject({ method: 'POST', url: `${url}/identify`, payload: { login: cpf(0), password: cpf(0) } });
      for (const response of [authorise, identify]) {
        expect(response.statusCode).toBe(404);
        expect(response.headers['content-type']).toContain('application/problem+json');
        bodies.push({ ...(response.json() as object), instance: undefined });
      }
    }
    for (const request of [{ url: `${base}/elsewhere` }, { url: `${base}/identify` }, { method: 'DELETE' as const, url: `${base}/authorise` }, { url: `/v1/callback/${integrationId}` }]) {
      const response = await app.inject(request);
      expect(response.statusCode).toBe(404);
      bodies.push({ ...(response.json() as object), instance: undefined });
      expect(response.body).not.toContain(secret);
    }
    expect(bodies.every((body) => JSON.stringify(body) === JSON.stringify(bodies[0]))).toBe(true);
    expect(bodies[0]).toMatchObject({ status: 404, code: 'GATEWAY_CALLBACK_NOT_FOUND' });
    expect(JSON.stringify(bodies[0])).not.toMatch(/subscriber|integration [0-9a-f]/);
  });

  it('R3: when the secret was rotated, then the previous one works during the overlap only', async () => {
    let now = Date.parse('2026-11-28T00:30:00Z');
    const { app } = await start(() => now);
    const url = `/v1/callback/${integrationId}/previous-secret-xyz/authorise?subscriber_id=${subscriberId(0)}&product=mumo`;
    expect((await app.inject({ url })).statusCode).toBe(200);
    now = Date.parse('2026-11-28T01:00:01Z');
    expect((await app.inject({ url })).statusCode).toBe(404);
    expect((await app.inject({ url: `${base}/authorise?subscriber_id=${subscriberId(0)}&product=mumo` })).statusCode).toBe(200);
  });

  it('when input is malformed, then 400 problem+json naming the field, never 500', async () => {
    const { app } = await start();
    const cases = [
      { method: 'POST' as const, url: `${base}/identify`, headers: { 'content-type': 'application/json' }, payload: '{"login":', field: undefined },
      { method: 'POST' as const, url: `${base}/identify`, payload: { login: cpf(0) }, field: 'body.password' },
      { method: 'POST' as const, url: `${base}/identify`, payload: { login: '', password: 'x' }, field: 'body.login' },
      { method: 'POST' as const, url: `${base}/identify`, payload: { login: 42, password: 'x' }, field: 'body.login' },
      { method: 'POST' as const, url: `${base}/identify`, payload: [1, 2], field: undefined },
      { method: 'GET' as const, url: `${base}/authorise?subscriber_id=${subscriberId(0)}&product=NOT%20A%20CODE`, field: 'querystring.product' },
      { method: 'GET' as const, url: `${base}/authorise?product=mumo`, field: 'querystring.subscriber_id' },
      { method: 'GET' as const, url: `${base}/authorise?subscriber_id=a&subscriber_id=b&product=mumo`, field: 'querystring.subscriber_id' },
      { method: 'GET' as const, url: `${base}/authorise?subscriber_id=${'x'.repeat(65)}&product=mumo`, field: 'querystring.subscriber_id' },
    ];
    for (const { field, ...request } of cases) {
      const response = await app.inject(request);
      expect(response.statusCode, JSON.stringify(request)).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      if (field) expect(response.json().errors.map((e: { path: string }) => e.path)).toContain(field);
    }
  });

  it('when the body is too large or not JSON, then 413, 415 or 400 problems', async () => {
    const { app } = await start();
    const large = await app.inject({ method: 'POST', url: `${base}/identify`, payload: { login: 'x'.repeat(5_000), password: 'y' } });
    expect(large.statusCode).toBe(413);
    expect(large.headers['content-type']).toContain('application/problem+json');
    const form = await app.inject({ method: 'POST', url: `${base}/identify`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'login=x&password=y' });
    expect(form.statusCode).toBe(415);
    expect(form.headers['content-type']).toContain('application/problem+json');
    const text = await app.inject({ method: 'POST', url: `${base}/identify`, headers: { 'content-type': 'text/plain' }, payload: 'login=x' });
    expect(text.statusCode).toBe(400);
  });

  it('when the view is not loaded yet, then callbacks get 503 with Retry-After and /readyz says why', async () => {
    const gatewayNotStarted = await createGateway(testConfig(), { logger: createLogger({ name: 'gw', level: 'silent' }), bus: createMemoryBus() });
    try {
      const response = await gatewayNotStarted.app.inject({ url: `${base}/authorise?subscriber_id=x&product=mumo` });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.json().code).toBe('GATEWAY_NOT_READY');
      const ready = await gatewayNotStarted.app.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks.view).toMatchObject({ ok: false, detail: expect.stringContaining('starting') });
    } finally {
      await gatewayNotStarted.app.close();
      await gatewayNotStarted.bus.close();
    }
  });

  it('when the view is loaded, then /readyz is 200 and reports the view, the bus and the staleness', async () => {
    const { app } = await start();
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toMatchObject({
      view: { ok: true, detail: expect.stringContaining(`${states.length + 1} subscribers`) },
      bus: { ok: true, detail: 'connected' },
      staleness: { ok: true, detail: expect.stringContaining('policy serve') },
    });
  });

  it('when the OpenAPI document is fetched, then it describes both calls, their reasons and their errors', async () => {
    const { app } = await start();
    const doc = (await app.inject({ url: '/openapi.json' })).json();
    expect(doc.info).toMatchObject({ title: 'neo-gateway', version: '1.0.0' });
    const identify = doc.paths['/v1/callback/{integrationId}/{secret}/identify'].post;
    const authorise = doc.paths['/v1/callback/{integrationId}/{secret}/authorise'].get;
    expect(Object.keys(identify.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '429', '503']));
    expect(Object.keys(authorise.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '503']));
    expect(identify.requestBody.content['application/json'].schema.required).toEqual(['login', 'password']);
    expect(authorise.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(['path:integrationId', 'path:secret', 'query:subscriber_id', 'query:product']),
    );
    expect(JSON.stringify(authorise.responses['200'])).toContain(JSON.stringify(AuthoriseReasonV1.options));
  });
});
