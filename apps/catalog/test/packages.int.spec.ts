import { GetPackageReplyV1, PackageChangedV1, subjects } from '@sva/contracts';
import { requestJson } from '@sva/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCatalogHarness, type CatalogHarness } from './support/catalog-harness.ts';

describe('packages through the operator API (R5), on real PostgreSQL and the bus', () => {
  let h: CatalogHarness;
  let neo: any;
  let other: any;

  beforeAll(async () => {
    h = await startCatalogHarness();
    console.info(`packages.int.spec on ${h.busLabel}`);
    neo = await h.createIntegration({ description: 'NEO' });
    other = await h.createIntegration({ description: 'Other platform' });
    expect((await h.api('POST', `/v1/integrations/${neo.id}/sync`)).status).toBe(200);
    expect((await h.api('POST', `/v1/integrations/${other.id}/sync`)).status).toBe(200);
  });
  afterAll(() => h?.stop());

  const create = (body: Record<string, unknown>) => h.api('POST', '/v1/packages', { description: 'Pacote', priceCents: 1990, ...body });
  const packageEvent = (id: string, version: number) =>
    h.waitForAnnounced((m) => m.subject === subjects.catalog.packageChanged && m.payload.packageId === id && m.payload.version === version);

  it('R5: when a package has a composition adding up to its price, then it is created with each share resolved to cents, and announced', async () => {
    const created = await create({
      description: 'Combo Música',
      priceCents: 1990,
      composition: [
        { kind: 'scm', serviceCode: '0105', share: { amountCents: 500 } },
        { kind: 'sva', serviceCode: '1.09', share: { percent: 33.33 } },
        { kind: 'sva', serviceCode: '1.05', share: { percent: 66.67 } },
      ],
      grants: [{ integrationId: neo.id, productCodes: ['mumo', 'kiddle'] }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      description: 'Combo Música',
      priceCents: 1990,
      active: true,
      version: 1,
      // 1490 left after the fixed 500: 33.33 % = 496.617 → 497 (larger fraction), 66.67 % = 993.383 → 993.
      composition: [
        { kind: 'scm', serviceCode: '0105', share: { amountCents: 500 }, resolvedCents: 500 },
        { kind: 'sva', serviceCode: '1.09', share: { percent: 33.33 }, resolvedCents: 497 },
        { kind: 'sva', serviceCode: '1.05', share: { percent: 66.67 }, resolvedCents: 993 },
      ],
      grants: [{ integrationId: neo.id, productCodes: ['kiddle', 'mumo'] }],
    });
    const event = await packageEvent(created.body.id, 1);
    expect(PackageChangedV1.parse(event.payload)).toMatchObject({ priceCents: 1990, grants: [{ integrationId: neo.id, productCodes: ['kiddle', 'mumo'] }] });
    expect(Object.keys(event.payload)).not.toContain('composition');
  });

  it('R5: when no composition is given, then the whole price is SVA under 1.09', async () => {
    const created = await create({ priceCents: 990 });
    expect(created.body.composition).toEqual([{ kind: 'sva', serviceCode: '1.09', share: { percent: 100 }, resolvedCents: 990 }]);
  });

  it('R5: when the composition does not add up to the price, then 422 names the composition and the rule', async () => {
    const refused = await create({
      composition: [
        { kind: 'scm', serviceCode: '0105', share: { percent: 40 } },
        { kind: 'sva', serviceCode: '1.09', share: { percent: 50 } },
      ],
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'CATALOG_COMPOSITION_INVALID',
      rule: 'R5',
      errors: [{ path: 'body.composition', message: 'the percentages add up to 90%; they must add up to exactly 100% of the price', rule: 'R5' }],
    });
    const fixed = await create({ composition: [{ kind: 'scm', serviceCode: '0105', share: { amountCents: 1000 } }] });
    expect(fixed.body.errors[0].message).toBe('the fixed amounts add up to 1000 cents; they must add up to exactly the price of 1990 cents');
  });

  it('R5: when a price or share is not integer cents, or a share is both kinds, then 400 names the field', async () => {
    const float = await create({ priceCents: 19.9 });
    expect(float).toMatchObject({ status: 400, body: { code: 'HTTP_VALIDATION_FAILED', errors: [{ path: 'body.priceCents' }] } });
    const both = await create({ composition: [{ kind: 'sva', serviceCode: '1.09', share: { percent: 50, amountCents: 995 } }] });
    expect(both.status).toBe(400);
    expect(both.body.errors[0].path).toMatch(/^body\.composition\.0\.share/);
    const kind = await create({ composition: [{ kind: 'iss', serviceCode: '1.09', share: { percent: 100 } }] });
    expect(kind.body.errors[0].path).toBe('body.composition.0.kind');
  });

  it('R5: when a package grants products never synced or of an unknown integration, then each is named', async () => {
    const refused = await create({
      grants: [
        { integrationId: neo.id, productCodes: ['mumo', 'nope'] },
        { integrationId: '6f1c1d1e-0000-4000-8000-000000000000', productCodes: ['mumo'] },
      ],
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'CATALOG_PRODUCT_NOT_GRANTABLE', rule: 'R5' });
    expect(refused.body.errors).toEqual([
      { path: 'body.grants.0.productCodes.1', message: "product 'nope' was never synced from this integration", rule: 'R5' },
      { path: 'body.grants.1.integrationId', message: 'integration 6f1c1d1e-0000-4000-8000-000000000000 does not exist', rule: 'R5' },
    ]);
  });

  it('R5: several integrations per package are allowed when none restricts it', async () => {
    const created = await create({ grants: [{ integrationId: neo.id, productCodes: ['mumo'] }, { integrationId: other.id, productCodes: ['kiddle'] }] });
    expect(created.status).toBe(201);
    expect(created.body.grants).toHaveLength(2);
  });

  it('R5: when an integration requires exclusive packages, then it cannot share a package, and the flag cannot be switched on over a mixed package', async () => {
    const solo = await h.createIntegration({ description: 'Solo platform', exclusivePackages: true });
    await h.api('POST', `/v1/integrations/${solo.id}/sync`);
    const mixed = await create({ grants: [{ integrationId: neo.id, productCodes: ['mumo'] }, { integrationId: solo.id, productCodes: ['mumo'] }] });
    expect(mixed.status).toBe(422);
    expect(mixed.body).toMatchObject({
      code: 'CATALOG_INTEGRATION_REQUIRES_EXCLUSIVE_PACKAGE',
      rule: 'R5',
      errors: [{ path: 'body.grants.1.integrationId', rule: 'R5' }],
    });
    expect(mixed.body.errors[0].message).toContain("integration 'Solo platform' requires its products to be alone in a package");
    expect((await create({ grants: [{ integrationId: solo.id, productCodes: ['mumo', 'kiddle'] }] })).status).toBe(201);

    const shared = await create({ description: 'Shared', grants: [{ integrationId: neo.id, productCodes: ['mumo'] }, { integrationId: other.id, productCodes: ['mumo'] }] });
    const refused = await h.api('PATCH', `/v1/integrations/${other.id}`, { version: other.version, exclusivePackages: true });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'CATALOG_INTEGRATION_REQUIRES_EXCLUSIVE_PACKAGE', rule: 'R5', errors: [{ path: 'body.exclusivePackages' }] });
    expect(refused.body.detail).toContain(shared.body.id);
    expect((await h.api('GET', `/v1/integrations/${other.id}`)).body.exclusivePackages).toBe(false);
  });

  it('R5: when the price or products are edited, then the package is announced with a higher version', async () => {
    const created = await create({ priceCents: 1000, grants: [{ integrationId: neo.id, productCodes: ['mumo'] }] });
    await packageEvent(created.body.id, 1);
    const priced = await h.api('PATCH', `/v1/packages/${created.body.id}`, { version: 1, priceCents: 1500 });
    expect(priced.body).toMatchObject({ priceCents: 1500, version: 2, composition: [{ resolvedCents: 1500 }] });
    expect((await packageEvent(created.body.id, 2)).payload).toMatchObject({ priceCents: 1500 });
    const granted = await h.api('PATCH', `/v1/packages/${created.body.id}`, { version: 2, grants: [{ integrationId: neo.id, productCodes: ['mumo', 'leiturinha'] }] });
    expect(granted.body.version).toBe(3);
    expect((await packageEvent(created.body.id, 3)).payload.grants).toEqual([{ integrationId: neo.id, productCodes: ['leiturinha', 'mumo'] }]);

    const stale = await h.api('PATCH', `/v1/packages/${created.body.id}`, { version: 2, priceCents: 1 });
    expect(stale).toMatchObject({ status: 409, body: { code: 'CATALOG_STALE_VERSION' } });
    const same = await h.api('PATCH', `/v1/packages/${created.body.id}`, { version: 3, priceCents: 1500 });
    expect(same.body.version).toBe(3);
  });

  it('R5: when a new price no longer fits the fixed amounts, then it is refused until the composition changes with it', async () => {
    const created = await create({ priceCents: 1000, composition: [{ kind: 'scm', serviceCode: '0105', share: { amountCents: 400 } }, { kind: 'sva', serviceCode: '1.09', share: { amountCents: 600 } }] });
    const refused = await h.api('PATCH', `/v1/packages/${created.body.id}`, { version: 1, priceCents: 1200 });
    expect(refused).toMatchObject({ status: 422, body: { code: 'CATALOG_COMPOSITION_INVALID', errors: [{ path: 'body.composition' }] } });
    const both = await h.api('PATCH', `/v1/packages/${created.body.id}`, {
      version: 1,
      priceCents: 1200,
      composition: [{ kind: 'scm', serviceCode: '0105', share: { amountCents: 400 } }, { kind: 'sva', serviceCode: '1.09', share: { percent: 100 } }],
    });
    expect(both.body).toMatchObject({ priceCents: 1200, version: 2, composition: [{ resolvedCents: 400 }, { resolvedCents: 800 }] });
  });

  it("R5: the Integration tab sets one integration's products; only synced, active ones; [] removes it", async () => {
    const created = await create({ grants: [{ integrationId: neo.id, productCodes: ['mumo'] }] });
    const set = await h.api('PUT', `/v1/packages/${created.body.id}/integrations/${other.id}`, { version: 1, productCodes: ['kiddle', 'mumo'] });
    // Grants are listed by integration id, whatever the order they were given in.
    const byId = <T extends { integrationId: string }>(items: T[]) => [...items].sort((a, b) => a.integrationId.localeCompare(b.integrationId));
    expect(set.body.version).toBe(2);
    expect(set.body.grants).toEqual(byId([{ integrationId: neo.id, productCodes: ['mumo'] }, { integrationId: other.id, productCodes: ['kiddle', 'mumo'] }]));
    const tab = await h.api('GET', `/v1/packages/${created.body.id}/integrations`);
    expect(tab.body.items).toEqual(byId([
      { integrationId: neo.id, description: 'NEO', active: true, singlePackage: false, exclusivePackages: false, products: [{ code: 'mumo', name: 'Mumo Música', active: true }] },
      {
        integrationId: other.id,
        description: 'Other platform',
        active: true,
        singlePackage: false,
        exclusivePackages: false,
        products: [
          { code: 'kiddle', name: 'Kiddle Kids', active: true },
          { code: 'mumo', name: 'Mumo Música', active: true },
        ],
      },
    ]));
    const unknown = await h.api('PUT', `/v1/packages/${created.body.id}/integrations/${neo.id}`, { version: 2, productCodes: ['mumo', 'ghost'] });
    expect(unknown).toMatchObject({ status: 422, body: { code: 'CATALOG_PRODUCT_NOT_GRANTABLE', errors: [{ path: 'body.productCodes.1', rule: 'R5' }] } });
    const removed = await h.api('PUT', `/v1/packages/${created.body.id}/integrations/${other.id}`, { version: 2, productCodes: [] });
    expect(removed.body).toMatchObject({ version: 3, grants: [{ integrationId: neo.id }] });
    expect((await packageEvent(created.body.id, 3)).payload.grants).toHaveLength(1);
    const missing = await h.api('PUT', `/v1/packages/${created.body.id}/integrations/6f1c1d1e-0000-4000-8000-000000000000`, { version: 3, productCodes: ['mumo'] });
    expect(missing).toMatchObject({ status: 404, body: { code: 'CATALOG_INTEGRATION_NOT_FOUND' } });
  });

  it('when packages are listed, then filters by integration, product and state apply, and pages follow the cursor', async () => {
    const solo = await h.createIntegration({ description: 'Listing' });
    await h.api('POST', `/v1/integrations/${solo.id}/sync`);
    const ids: string[] = [];
    for (const [i, code] of ['mumo', 'kiddle', 'mumo'].entries()) {
      ids.push((await create({ description: `listed ${i}`, active: i !== 1, grants: [{ integrationId: solo.id, productCodes: [code] }] })).body.id);
    }
    const byIntegration = await h.api('GET', `/v1/packages?integrationId=${solo.id}&limit=2`);
    expect(byIntegration.body.items.map((p: { id: string }) => p.id)).toEqual(ids.slice(0, 2));
    const next = await h.api('GET', `/v1/packages?integrationId=${solo.id}&limit=2&cursor=${byIntegration.body.nextCursor}`);
    expect(next.body).toMatchObject({ items: [{ id: ids[2] }], nextCursor: null });
    const byProduct = await h.api('GET', `/v1/packages?integrationId=${solo.id}&productCode=mumo&active=true`);
    expect(byProduct.body.items.map((p: { id: string }) => p.id)).toEqual([ids[0], ids[2]]);
    expect((await h.api('GET', `/v1/packages?integrationId=${solo.id}&active=false`)).body.items.map((p: { id: string }) => p.id)).toEqual([ids[1]]);
    expect((await h.api('GET', '/v1/packages?q=LISTED%201')).body.items.map((p: { id: string }) => p.id)).toEqual([ids[1]]);
  });

  it('when subscriptions asks for a package over the bus, then it gets PackageV1 with its grants and its composition in cents (R5, for billing)', async () => {
    const created = await create({ grants: [{ integrationId: neo.id, productCodes: ['mumo'] }] });
    const reply = await requestJson(h.bus, subjects.rpc.catalogGetPackage, { packageId: created.body.id }, GetPackageReplyV1);
    expect(reply.package).toEqual({
      packageId: created.body.id,
      version: 1,
      description: 'Pacote',
      priceCents: 1990,
      active: true,
      grants: [{ integrationId: neo.id, productCodes: ['mumo'] }],
      fiscalComposition: [{ kind: 'sva', serviceCode: '1.09', amountCents: 1990 }],
    });
    expect(await requestJson(h.bus, subjects.rpc.catalogGetPackage, { packageId: '6f1c1d1e-0000-4000-8000-000000000000' }, GetPackageReplyV1)).toEqual({ package: null });
  });

  it('when a package does not exist, then 404 CATALOG_PACKAGE_NOT_FOUND', async () => {
    expect(await h.api('GET', '/v1/packages/6f1c1d1e-0000-4000-8000-000000000000')).toMatchObject({ status: 404, body: { code: 'CATALOG_PACKAGE_NOT_FOUND' } });
  });
});
