import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCatalogHarness, type CatalogHarness } from './support/catalog-harness.ts';

/**
 * The "done when": through the API alone, an operator sets up NEO, tests it, syncs its
 * products from the simulator, builds a package with a valid fiscal composition and a plan with
 * mandatory, trial and locked packages — guided by the OpenAPI document.
 */
describe('an operator sets up the catalog through the API alone', () => {
  let h: CatalogHarness;

  beforeAll(async () => {
    h = await startCatalogHarness();
    console.info(`operator-journey.int.spec on ${h.busLabel}`);
  });
  afterAll(() => h?.stop());

  it('when the operator reads the OpenAPI document, then every endpoint is there with help for an ISP operator', async () => {
    const doc = await h.api('GET', '/openapi.json', undefined, {});
    expect(doc.status).toBe(200);
    const paths = doc.body.paths as Record<string, Record<string, { summary?: string; description?: string }>>;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/v1/integrations',
        '/v1/integrations/{id}',
        '/v1/integrations/{id}/activate',
        '/v1/integrations/{id}/deactivate',
        '/v1/integrations/{id}/rotate-secret',
        '/v1/integrations/{id}/test',
        '/v1/integrations/{id}/sync',
        '/v1/integrations/{id}/products',
        '/v1/packages',
        '/v1/packages/{id}',
        '/v1/packages/{id}/integrations',
        '/v1/packages/{id}/integrations/{integrationId}',
        '/v1/plans',
        '/v1/plans/{id}',
      ]),
    );
    for (const operations of Object.values(paths)) for (const operation of Object.values(operations)) expect(operation.summary).toBeTruthy();
    const text = JSON.stringify(doc.body);
    for (const term of ['pacote único', 'composição fiscal', 'travar pacotes', 'degustação', 'largest-remainder', 'nextCursor', 'CATALOG_STALE_VERSION', 'CATALOG_PLATFORM_UNREACHABLE']) {
      expect(text).toContain(term);
    }
    expect(doc.body.components.securitySchemes).toMatchObject({ bearerAuth: { type: 'http', scheme: 'bearer' }, apiKeyHeader: { type: 'apiKey', name: 'X-Api-Key' } });
  });

  it('when the operator configures NEO, tests, syncs, builds a package and a combo plan, then each step answers what the next one needs', async () => {
    const integration = await h.api('POST', '/v1/integrations', {
      description: 'NEO',
      loginField: 'cpf_cnpj',
      singlePackage: true,
      platform: { baseUrl: h.simulator.url, clientId: h.simulator.credentials.clientId, clientSecret: h.simulator.credentials.clientSecret },
    });
    expect(integration.status).toBe(201);
    expect((await h.api('POST', `/v1/integrations/${integration.body.id}/test`)).body).toEqual({ ok: true });
    expect((await h.api('POST', `/v1/integrations/${integration.body.id}/sync`)).body.added).toHaveLength(3);
    const grantable = await h.api('GET', `/v1/integrations/${integration.body.id}/products?active=true`);
    const codes = grantable.body.items.map((p: { code: string }) => p.code);

    const pkg = await h.api('POST', '/v1/packages', {
      description: 'Streaming família',
      priceCents: 2990,
      composition: [
        { kind: 'scm', serviceCode: '0105', share: { percent: 20 } },
        { kind: 'sva', serviceCode: '1.09', share: { percent: 80 } },
      ],
      grants: [{ integrationId: integration.body.id, productCodes: codes }],
    });
    expect(pkg.status).toBe(201);
    expect(pkg.body.composition.map((c: { resolvedCents: number }) => c.resolvedCents)).toEqual([598, 2392]);

    const plan = await h.api('POST', '/v1/plans', {
      name: 'Fibra 600 + Streaming',
      downloadMbps: 600,
      uploadMbps: 300,
      priceCents: 12990,
      lockPackages: true,
      packages: [{ packageId: pkg.body.id, mandatory: true, trialDays: 30 }],
    });
    expect(plan.status).toBe(201);
    expect(plan.body).toMatchObject({ lockPackages: true, packages: [{ packageId: pkg.body.id, mandatory: true, trialDays: 30 }] });
  });

  it('when two operators edit the same package at once from the same version, then exactly one wins and the other gets 409', async () => {
    const pkg = await h.api('POST', '/v1/packages', { description: 'Disputed', priceCents: 1000 });
    const answers = await Promise.all([1100, 1200, 1300].map((priceCents) => h.api('PATCH', `/v1/packages/${pkg.body.id}`, { version: 1, priceCents })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409]);
    const winner = answers.find((a) => a.status === 200)!;
    expect((await h.api('GET', `/v1/packages/${pkg.body.id}`)).body).toMatchObject({ version: 2, priceCents: winner.body.priceCents });
  });
});
