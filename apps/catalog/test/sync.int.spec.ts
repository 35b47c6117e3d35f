import { DEFAULT_NEO_PRODUCTS, type NeoFault } from '@sva/neo-simulator';
import { subjects } from '@sva/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCatalogHarness, type CatalogHarness } from './support/catalog-harness.ts';

describe('Test and Sync against the NEO simulator (R4)', () => {
  let h: CatalogHarness;
  let integration: any;

  beforeAll(async () => {
    // A short timeout keeps the timeout cases quick; the client still retries twice with backoff.
    h = await startCatalogHarness({ platformTimeoutMs: 300 });
    console.info(`sync.int.spec on ${h.busLabel}`);
  });
  afterAll(() => h?.stop());
  beforeEach(async () => {
    h.simulator.setFault(null);
    h.simulator.setProducts(DEFAULT_NEO_PRODUCTS);
    integration = await h.createIntegration();
  });

  const products = async (id: string, query = '') =>
    (await h.api('GET', `/v1/integrations/${id}/products${query}`)).body.items.map((p: { code: string; active: boolean; name: string }) => ({ code: p.code, name: p.name, active: p.active }));

  it('R4: when Test runs with the right credentials, then it answers ok', async () => {
    expect(await h.api('POST', `/v1/integrations/${integration.id}/test`)).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('R4: when products are synced, then they are added, announced, and listed as active', async () => {
    const sync = await h.api('POST', `/v1/integrations/${integration.id}/sync`);
    expect(sync).toMatchObject({ status: 200, body: { added: ['mumo', 'kiddle', 'leiturinha'], updated: [], deactivated: [], stillGranted: [], unchanged: 0 } });
    expect(await products(integration.id)).toEqual([
      { code: 'kiddle', name: 'Kiddle Kids', active: true },
      { code: 'leiturinha', name: 'Leiturinha', active: true },
      { code: 'mumo', name: 'Mumo Música', active: true },
    ]);
    const event = await h.waitForAnnounced((m) => m.subject === subjects.catalog.productChanged && m.payload.integrationId === integration.id && m.payload.code === 'mumo');
    expect(event.payload).toMatchObject({ name: 'Mumo Música', active: true, version: 1 });
  });

  it('R4: when a product is renamed, one vanishes and one is new, then the report says so and nothing is deleted', async () => {
    await h.api('POST', `/v1/integrations/${integration.id}/sync`);
    h.simulator.setProducts([
      { code: 'mumo', name: 'Mumo' },
      { code: 'kiddle', name: 'Kiddle Kids' },
      { code: 'skeelo', name: 'Skeelo' },
    ]);
    const sync = await h.api('POST', `/v1/integrations/${integration.id}/sync`);
    expect(sync.body).toEqual({ added: ['skeelo'], updated: ['mumo'], deactivated: ['leiturinha'], stillGranted: [], unchanged: 1 });
    expect(await products(integration.id)).toContainEqual({ code: 'leiturinha', name: 'Leiturinha', active: false });
    expect(await products(integration.id, '?active=false')).toEqual([{ code: 'leiturinha', name: 'Leiturinha', active: false }]);
    const deactivated = await h.waitForAnnounced((m) => m.subject === subjects.catalog.productChanged && m.payload.integrationId === integration.id && m.payload.code === 'leiturinha' && !m.payload.active);
    expect(deactivated.payload.version).toBe(2);

    h.simulator.setProducts(DEFAULT_NEO_PRODUCTS);
    const back = await h.api('POST', `/v1/integrations/${integration.id}/sync`);
    expect(back.body).toMatchObject({ added: [], updated: ['mumo', 'leiturinha'], deactivated: ['skeelo'] });
  });

  it('R4: when a product a package grants vanishes, then it stays (inactive), the package keeps it, and the report names it', async () => {
    await h.api('POST', `/v1/integrations/${integration.id}/sync`);
    const pkg = await h.api('POST', '/v1/packages', { description: 'Kids', priceCents: 990, grants: [{ integrationId: integration.id, productCodes: ['kiddle', 'mumo'] }] });
    expect(pkg.status).toBe(201);
    h.simulator.setProducts([{ code: 'mumo', name: 'Mumo Música' }]);
    const sync = await h.api('POST', `/v1/integrations/${integration.id}/sync`);
    expect(sync.body).toMatchObject({ deactivated: ['kiddle', 'leiturinha'], stillGranted: ['kiddle'] });
    expect((await h.api('GET', `/v1/packages/${pkg.body.id}`)).body.grants).toEqual([{ integrationId: integration.id, productCodes: ['kiddle', 'mumo'] }]);
    const tab = await h.api('GET', `/v1/packages/${pkg.body.id}/integrations`);
    expect(tab.body.items[0].products).toEqual([
      { code: 'kiddle', name: 'Kiddle Kids', active: false },
      { code: 'mumo', name: 'Mumo Música', active: true },
    ]);
    // R5: the inactive product cannot be chosen for another package.
    const other = await h.api('POST', '/v1/packages', { description: 'Kids 2', priceCents: 990, grants: [{ integrationId: integration.id, productCodes: ['kiddle'] }] });
    expect(other).toMatchObject({ status: 422, body: { code: 'CATALOG_PRODUCT_NOT_GRANTABLE', rule: 'R5', errors: [{ path: 'body.grants.0.productCodes.0', rule: 'R5' }] } });
  });

  it('R4: products are listed by code, in pages, and can be searched', async () => {
    await h.api('POST', `/v1/integrations/${integration.id}/sync`);
    const first = await h.api('GET', `/v1/integrations/${integration.id}/products?limit=2`);
    expect(first.body.items.map((p: { code: string }) => p.code)).toEqual(['kiddle', 'leiturinha']);
    const second = await h.api('GET', `/v1/integrations/${integration.id}/products?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ items: [{ code: 'mumo' }], nextCursor: null });
    expect((await h.api('GET', `/v1/integrations/${integration.id}/products?q=M%C3%9ASICA`)).body.items.map((p: { code: string }) => p.code)).toEqual(['mumo']);
  });

  describe('when NEO fails, then the operator gets a 502 problem with a stable code and nothing changes', () => {
    const cases: Array<[string, NeoFault | 'wrong-credentials', string, RegExp]> = [
      ['does not answer in time', 'timeout', 'CATALOG_PLATFORM_UNREACHABLE', /did not answer within 300 ms.*3 attempts/],
      ['answers 500', 'http500', 'CATALOG_PLATFORM_UNREACHABLE', /answered HTTP 500.*3 attempts/],
      ['answers malformed JSON', 'malformed-json', 'CATALOG_PLATFORM_BAD_RESPONSE', /not valid JSON/],
      ['answers JSON of the wrong shape', 'wrong-shape', 'CATALOG_PLATFORM_BAD_RESPONSE', /unexpected shape: products/],
      ['lists a product code twice', 'duplicate-codes', 'CATALOG_PLATFORM_BAD_RESPONSE', /product code 'mumo' appears twice/],
      ['refuses every credential', 'unauthorized', 'CATALOG_PLATFORM_CREDENTIALS_REJECTED', /rejected the configured credentials/],
      ['refuses wrong credentials', 'wrong-credentials', 'CATALOG_PLATFORM_CREDENTIALS_REJECTED', /rejected the configured credentials/],
    ];

    it.each(cases)('R4: Sync when NEO %s', async (_label, fault, code, detail) => {
      await h.api('POST', `/v1/integrations/${integration.id}/sync`);
      h.simulator.setProducts([{ code: 'mumo', name: 'Renamed' }]);
      const target = fault === 'wrong-credentials'
        ? await h.createIntegration({ platform: { baseUrl: h.simulator.url, clientId: 'isp-acme', clientSecret: 'not-the-secret' } })
        : integration;
      if (fault !== 'wrong-credentials') h.simulator.setFault(fault);
      const before = await products(target.id);
      const sync = await h.api('POST', `/v1/integrations/${target.id}/sync`);
      expect(sync.status).toBe(502);
      expect(sync.headers['content-type']).toContain('application/problem+json');
      expect(sync.body.code).toBe(code);
      expect(sync.body.detail).toMatch(detail);
      expect(JSON.stringify(sync.body)).not.toContain(h.simulator.credentials.clientSecret);
      h.simulator.setFault(null);
      expect(await products(target.id)).toEqual(before);
    });

    it.each(cases.filter(([, fault]) => fault !== 'duplicate-codes'))('R4: Test when NEO %s', async (_label, fault, code) => {
      const target = fault === 'wrong-credentials'
        ? await h.createIntegration({ platform: { baseUrl: h.simulator.url, clientId: 'isp-acme', clientSecret: 'not-the-secret' } })
        : integration;
      if (fault !== 'wrong-credentials') h.simulator.setFault(fault);
      const test = await h.api('POST', `/v1/integrations/${target.id}/test`);
      expect(test).toMatchObject({ status: 502, body: { code } });
    });

    it('R4: when NEO fails once and then recovers, then the retry makes the sync succeed', async () => {
      h.simulator.setFault('http500', { times: 1 });
      expect((await h.api('POST', `/v1/integrations/${integration.id}/sync`)).body.added).toEqual(['mumo', 'kiddle', 'leiturinha']);
    });

    it('R4: when the base URL points at the wrong path, then the 404 is reported as a bad response naming the base URL', async () => {
      const wrong = await h.createIntegration({ platform: { baseUrl: `${h.simulator.url}/partner`, clientId: 'isp-acme', clientSecret: h.simulator.credentials.clientSecret } });
      const sync = await h.api('POST', `/v1/integrations/${wrong.id}/sync`);
      expect(sync).toMatchObject({ status: 502, body: { code: 'CATALOG_PLATFORM_BAD_RESPONSE' } });
      expect(sync.body.detail).toMatch(/HTTP 404.*base URL/);
    });

    it('R4: when NEO cannot be reached at all, then the sync says so', async () => {
      const nowhere = await h.createIntegration({ platform: { baseUrl: 'http://127.0.0.1:9', clientId: 'isp-acme', clientSecret: 'x' } });
      const sync = await h.api('POST', `/v1/integrations/${nowhere.id}/sync`);
      expect(sync).toMatchObject({ status: 502, body: { code: 'CATALOG_PLATFORM_UNREACHABLE' } });
      expect(sync.body.detail).toMatch(/could not be reached/);
    });
  });
});
