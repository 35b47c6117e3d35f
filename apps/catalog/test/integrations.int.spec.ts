import { createHash } from 'node:crypto';
import { GetIntegrationReplyV1, IntegrationChangedV1, subjects } from '@sva/contracts';
import { FixedClock } from '@sva/kernel';
import { requestJson } from '@sva/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCatalogHarness, type CatalogHarness } from './support/catalog-harness.ts';

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

describe('integrations through the operator API (R1–R3), on real PostgreSQL and the bus', () => {
  let h: CatalogHarness;
  const clock = new FixedClock('2026-11-28T12:00:00Z');

  beforeAll(async () => {
    h = await startCatalogHarness({ clock, secretRotationOverlapMs: 3_600_000 });
    console.info(`integrations.int.spec on ${h.busLabel}`);
  });
  afterAll(() => h?.stop());

  it('R1, R3: when an operator creates an integration, then it is announced with its gateway record, and the callback secret is shown once', async () => {
    const created = await h.createIntegration({ description: 'NEO streaming', loginField: 'cpf_cnpj', singlePackage: true });
    expect(created).toMatchObject({
      type: 'neo',
      description: 'NEO streaming',
      loginField: 'cpf_cnpj',
      singlePackage: true,
      syncSubscriptionStatus: true,
      exclusivePackages: false,
      active: true,
      platform: { baseUrl: h.simulator.url, clientId: 'isp-acme', clientSecretSet: true },
      previousSecretValidUntil: null,
      version: 1,
    });
    expect(created.callbackUrl).toBe(`https://gw.isp.example/v1/callback/${created.id}/${created.callbackSecret}`);
    expect(created.callbackSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const shown = await h.api('GET', `/v1/integrations/${created.id}`);
    expect(shown.body.callbackUrl).toBe(`https://gw.isp.example/v1/callback/${created.id}/{secret}`);
    expect(JSON.stringify(shown.body)).not.toContain(created.callbackSecret);

    const event = await h.waitForAnnounced((m) => m.subject === subjects.catalog.integrationChanged && m.payload.integrationId === created.id);
    expect(IntegrationChangedV1.parse(event.payload)).toMatchObject({ loginField: 'cpf_cnpj', singlePackage: true, active: true, version: 1 });
    const record = await h.gatewayRecord(created.id, 1);
    expect(record).toEqual({
      integrationId: created.id,
      version: 1,
      active: true,
      loginField: 'cpf_cnpj',
      syncSubscriptionStatus: true,
      secretVerifiers: [{ sha256: sha256(created.callbackSecret), validUntil: null }],
    });
  });

  it('R1: when an operator edits the description, login field, flags and platform, then the new version is announced to services and to the gateway', async () => {
    const created = await h.createIntegration();
    const edited = await h.api('PATCH', `/v1/integrations/${created.id}`, {
      version: 1,
      description: 'NEO (produção)',
      loginField: 'email',
      singlePackage: true,
      syncSubscriptionStatus: false,
      platform: { baseUrl: `${h.simulator.url}/`, clientId: 'isp-acme-2' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      description: 'NEO (produção)',
      loginField: 'email',
      singlePackage: true,
      syncSubscriptionStatus: false,
      platform: { baseUrl: `${h.simulator.url}/`, clientId: 'isp-acme-2', clientSecretSet: true },
      version: 2,
    });
    const event = await h.waitForAnnounced((m) => m.subject === subjects.catalog.integrationChanged && m.payload.integrationId === created.id && m.payload.version === 2);
    expect(event.payload).toMatchObject({ description: 'NEO (produção)', loginField: 'email', singlePackage: true, syncSubscriptionStatus: false });
    expect(await h.gatewayRecord(created.id, 2)).toMatchObject({ version: 2, loginField: 'email', syncSubscriptionStatus: false });
  });

  it('R1: when a request changes nothing, then the version stays and nothing new is announced', async () => {
    const created = await h.createIntegration({ description: 'Same' });
    await h.gatewayRecord(created.id, 1);
    const same = await h.api('PATCH', `/v1/integrations/${created.id}`, { version: 1, description: 'Same', loginField: 'login_autenticacao' });
    expect(same.status).toBe(200);
    expect(same.body.version).toBe(1);
    const marker = await h.createIntegration({ description: 'marker' });
    await h.waitForAnnounced((m) => m.payload.integrationId === marker.id);
    expect(h.announced().filter((m) => m.payload.integrationId === created.id)).toHaveLength(1);
  });

  it('when an edit is based on an older version, then it is refused with 409 CATALOG_STALE_VERSION and changes nothing', async () => {
    const created = await h.createIntegration();
    expect((await h.api('PATCH', `/v1/integrations/${created.id}`, { version: 1, description: 'first' })).status).toBe(200);
    const stale = await h.api('PATCH', `/v1/integrations/${created.id}`, { version: 1, description: 'second' });
    expect(stale.status).toBe(409);
    expect(stale.headers['content-type']).toContain('application/problem+json');
    expect(stale.body).toMatchObject({ code: 'CATALOG_STALE_VERSION', errors: [{ path: 'body.version', message: 'the current version is 2' }] });
    expect((await h.api('GET', `/v1/integrations/${created.id}`)).body.description).toBe('first');
  });

  it('R1: when an integration is deactivated and activated again, then the gateway record follows each step', async () => {
    const created = await h.createIntegration();
    const off = await h.api('POST', `/v1/integrations/${created.id}/deactivate`, { version: 1 });
    expect(off.body).toMatchObject({ active: false, version: 2 });
    expect(await h.gatewayRecord(created.id, 2)).toMatchObject({ active: false });
    const again = await h.api('POST', `/v1/integrations/${created.id}/deactivate`, { version: 2 });
    expect(again.body).toMatchObject({ active: false, version: 2 });
    const on = await h.api('POST', `/v1/integrations/${created.id}/activate`, { version: 2 });
    expect(on.body).toMatchObject({ active: true, version: 3 });
    expect(await h.gatewayRecord(created.id, 3)).toMatchObject({ active: true });
  });

  it('R3: when the callback secret is rotated, then the new one is shown once and the gateway accepts both until the overlap ends', async () => {
    const created = await h.createIntegration();
    const rotated = await h.api('POST', `/v1/integrations/${created.id}/rotate-secret`, { version: 1 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.callbackSecret).not.toBe(created.callbackSecret);
    expect(rotated.body.callbackUrl).toBe(`https://gw.isp.example/v1/callback/${created.id}/${rotated.body.callbackSecret}`);
    const validUntil = new Date(clock.now().getTime() + 3_600_000).toISOString();
    expect(rotated.body).toMatchObject({ version: 2, previousSecretValidUntil: validUntil });
    expect((await h.gatewayRecord(created.id, 2)).secretVerifiers).toEqual([
      { sha256: sha256(rotated.body.callbackSecret), validUntil: null },
      { sha256: sha256(created.callbackSecret), validUntil },
    ]);
    const shown = await h.api('GET', `/v1/integrations/${created.id}`);
    expect(JSON.stringify(shown.body)).not.toContain(rotated.body.callbackSecret);

    clock.advance(3_600_001);
    expect((await h.api('GET', `/v1/integrations/${created.id}`)).body.previousSecretValidUntil).toBeNull();
  });

  it('R1: the platform credentials are sealed at rest, never returned, never logged', async () => {
    const secret = 'an-unmistakable-neo-secret-9f3';
    const created = await h.createIntegration({ platform: { baseUrl: h.simulator.url, clientId: 'isp-acme', clientSecret: secret } });
    await h.api('PATCH', `/v1/integrations/${created.id}`, { version: 1, platform: { clientSecret: `${secret}-2` } });
    await h.api('POST', `/v1/integrations/${created.id}/test`);
    const row = await h.service.app.inject({ method: 'GET', url: `/v1/integrations/${created.id}`, headers: { authorization: `Bearer ${h.apiKey}` } });
    expect(row.body).not.toContain(secret);
    const listed = await h.api('GET', '/v1/integrations?limit=100');
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(h.logs()).toContain(`/v1/integrations/${created.id}/test`);
    expect(h.logs()).not.toContain(secret);
    expect(h.logs()).not.toContain(created.callbackSecret);
    expect(JSON.stringify(h.announced())).not.toContain(secret);
  });

  it('R1: when the platform secret is replaced, then Test uses the new one', async () => {
    const created = await h.createIntegration({ platform: { baseUrl: h.simulator.url, clientId: 'isp-acme', clientSecret: 'wrong-secret' } });
    expect((await h.api('POST', `/v1/integrations/${created.id}/test`)).body.code).toBe('CATALOG_PLATFORM_CREDENTIALS_REJECTED');
    const fixed = await h.api('PATCH', `/v1/integrations/${created.id}`, { version: 1, platform: { clientSecret: h.simulator.credentials.clientSecret } });
    expect(fixed.body.version).toBe(2);
    expect((await h.api('POST', `/v1/integrations/${created.id}/test`)).body).toEqual({ ok: true });
  });

  it('when integrations are listed, then pages follow the cursor without repeats and filters apply', async () => {
    const prefix = `page-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await h.createIntegration({ description: `${prefix} ${i}`, active: i % 2 === 0, loginField: 'email' })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: any = await h.api('GET', `/v1/integrations?q=${prefix}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    const inactive = await h.api('GET', `/v1/integrations?q=${prefix.toUpperCase()}&active=false`);
    expect(inactive.body.items.map((item: { id: string }) => item.id)).toEqual([ids[1], ids[3]]);
    expect((await h.api('GET', `/v1/integrations?q=${prefix}&loginField=cpf_cnpj`)).body.items).toEqual([]);
    // LIKE's wildcards in the search are plain characters: "page_" is not "page" and any one character.
    expect((await h.api('GET', `/v1/integrations?q=${prefix.replace('-', '_')}`)).body.items).toEqual([]);
    expect((await h.api('GET', `/v1/integrations?q=${encodeURIComponent(`${prefix.slice(0, 6)}%${prefix.slice(7)}`)}`)).body.items).toEqual([]);
  });

  it('when a list request has a bad filter or cursor, then it answers 400 naming the query field', async () => {
    const bad = await h.api('GET', '/v1/integrations?active=yes&limit=1000');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['querystring.active', 'querystring.limit']);
    const cursor = await h.api('GET', '/v1/integrations?cursor=bm90LWEtY3Vyc29y');
    expect(cursor.status).toBe(400);
    expect(cursor.body).toMatchObject({ code: 'CATALOG_INVALID_CURSOR', errors: [{ path: 'querystring.cursor' }] });
  });

  it('when a create or edit is malformed, then 400 names each field; unknown fields are refused, not ignored', async () => {
    const bad = await h.api('POST', '/v1/integrations', { description: '', loginField: 'phone', platform: { baseUrl: 'ftp://neo', clientId: 'x', clientSecret: 's' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('HTTP_VALIDATION_FAILED');
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.description', 'body.loginField', 'body.platform.baseUrl']);
    const created = await h.createIntegration();
    const typo = await h.api('PATCH', `/v1/integrations/${created.id}`, { version: 1, descripton: 'typo' });
    expect(typo.status).toBe(400);
    expect(JSON.stringify(typo.body.errors)).toContain('descripton');
    const noVersion = await h.api('PATCH', `/v1/integrations/${created.id}`, { description: 'x' });
    expect(noVersion.body.errors).toEqual([expect.objectContaining({ path: 'body.version' })]);
  });

  it('when the caller asks for Portuguese, then field messages are in Portuguese and keep their rule', async () => {
    const body = { description: 'NEO', platform: { baseUrl: 'not a url', clientId: 'x', clientSecret: 's' } };
    const pt = await h.api('POST', '/v1/integrations', body, { authorization: `Bearer ${h.apiKey}`, 'accept-language': 'pt-BR,pt;q=0.9' });
    expect(pt.status).toBe(400);
    expect(pt.body.errors).toEqual([{ path: 'body.platform.baseUrl', message: 'Formato do URL inválido', rule: 'R4' }]);
    const en = await h.api('POST', '/v1/integrations', body);
    expect(en.body.errors).toEqual([{ path: 'body.platform.baseUrl', message: 'Invalid URL', rule: 'R4' }]);
  });

  it('when an integration does not exist, then 404 CATALOG_INTEGRATION_NOT_FOUND', async () => {
    const missing = await h.api('PATCH', '/v1/integrations/6f1c1d1e-0000-4000-8000-000000000000', { version: 1, description: 'x' });
    expect(missing).toMatchObject({ status: 404, body: { code: 'CATALOG_INTEGRATION_NOT_FOUND' } });
  });

  it('when the API key is missing or wrong, then 401', async () => {
    expect((await h.api('GET', '/v1/integrations', undefined, {})).status).toBe(401);
    expect((await h.api('GET', '/v1/integrations', undefined, { authorization: 'Bearer not-the-key-at-all-0000000' })).status).toBe(401);
  });

  it('when another service asks for an integration over the bus, then it gets the current state', async () => {
    const created = await h.createIntegration({ description: 'asked' });
    const reply = await requestJson(h.bus, subjects.rpc.catalogGetIntegration, { integrationId: created.id }, GetIntegrationReplyV1);
    expect(reply.integration).toMatchObject({ integrationId: created.id, description: 'asked', version: 1 });
    expect(await requestJson(h.bus, subjects.rpc.catalogGetIntegration, { integrationId: '6f1c1d1e-0000-4000-8000-000000000000' }, GetIntegrationReplyV1)).toEqual({ integration: null });
  });
});
