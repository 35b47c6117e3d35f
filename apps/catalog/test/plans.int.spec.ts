import { GetPlanReplyV1, PlanChangedV1, subjects } from '@sva/contracts';
import { requestJson } from '@sva/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCatalogHarness, type CatalogHarness } from './support/catalog-harness.ts';

describe('plans and combos through the operator API (R6), on real PostgreSQL and the bus', () => {
  let h: CatalogHarness;
  let neo: any;
  let single: any;

  beforeAll(async () => {
    h = await startCatalogHarness();
    console.info(`plans.int.spec on ${h.busLabel}`);
    neo = await h.createIntegration({ description: 'NEO' });
    single = await h.createIntegration({ description: 'NEO pacote único', singlePackage: true });
    for (const integration of [neo, single]) expect((await h.api('POST', `/v1/integrations/${integration.id}/sync`)).status).toBe(200);
  });
  afterAll(() => h?.stop());

  const pkg = async (description: string, grants: unknown[] = [], active = true) => {
    const created = await h.api('POST', '/v1/packages', { description, priceCents: 990, active, grants });
    expect(created.status).toBe(201);
    return created.body;
  };
  const plan = (body: Record<string, unknown>) => h.api('POST', '/v1/plans', { name: 'Fibra 500', downloadMbps: 500, uploadMbps: 250, priceCents: 9990, ...body });
  const planEvent = (id: string, version: number) =>
    h.waitForAnnounced((m) => m.subject === subjects.catalog.planChanged && m.payload.planId === id && m.payload.version === version);

  it('R6: when a plan lists packages with mandatory, trial and locked settings, then it is created, announced and answered over the bus', async () => {
    const music = await pkg('Música', [{ integrationId: neo.id, productCodes: ['mumo'] }]);
    const kids = await pkg('Kids', [{ integrationId: neo.id, productCodes: ['kiddle'] }]);
    const created = await plan({
      lockPackages: true,
      packages: [
        { packageId: music.id, mandatory: true },
        { packageId: kids.id, trialDays: 7 },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Fibra 500',
      downloadMbps: 500,
      uploadMbps: 250,
      priceCents: 9990,
      active: true,
      lockPackages: true,
      version: 1,
      packages: [
        { packageId: music.id, mandatory: true, trialDays: 0 },
        { packageId: kids.id, mandatory: false, trialDays: 7 },
      ],
    });
    const event = await planEvent(created.body.id, 1);
    expect(PlanChangedV1.parse(event.payload)).toMatchObject({ lockPackages: true, packages: created.body.packages });

    const reply = await requestJson(h.bus, subjects.rpc.catalogGetPlan, { planId: created.body.id }, GetPlanReplyV1);
    expect(reply.plan).toEqual({
      planId: created.body.id,
      version: 1,
      name: 'Fibra 500',
      downloadMbps: 500,
      uploadMbps: 250,
      priceCents: 9990,
      active: true,
      lockPackages: true,
      packages: created.body.packages,
    });
    expect(await requestJson(h.bus, subjects.rpc.catalogGetPlan, { planId: '6f1c1d1e-0000-4000-8000-000000000000' }, GetPlanReplyV1)).toEqual({ plan: null });
  });

  it('R6: when a plan lists an inactive or unknown package, or one twice, then 422 names each entry', async () => {
    const active = await pkg('Ativo');
    const inactive = await pkg('Inativo', [], false);
    const refused = await plan({
      packages: [{ packageId: active.id }, { packageId: inactive.id }, { packageId: '6f1c1d1e-0000-4000-8000-000000000000' }, { packageId: active.id }],
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'CATALOG_PLAN_PACKAGE_NOT_AVAILABLE', rule: 'R6' });
    expect(refused.body.errors).toEqual([
      { path: 'body.packages.1.packageId', message: "package 'Inativo' is inactive; a plan may only list active packages", rule: 'R6' },
      { path: 'body.packages.2.packageId', message: 'package 6f1c1d1e-0000-4000-8000-000000000000 does not exist', rule: 'R6' },
      { path: 'body.packages.3.packageId', message: 'package listed twice', rule: 'R6' },
    ]);
  });

  it('R6: when speeds, price or trial days are out of range, then 400 names each field and the rule', async () => {
    const refused = await plan({ downloadMbps: 0, priceCents: -1, packages: [{ packageId: (await pkg('x')).id, trialDays: 400 }] });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { path: string; rule: string }) => [e.path, e.rule])).toEqual([
      ['body.downloadMbps', 'R6'],
      ['body.priceCents', 'R6'],
      ['body.packages.0.trialDays', 'R6'],
    ]);
  });

  it('R10: when a plan lists two packages of a single-package integration, then it is refused', async () => {
    const a = await pkg('Single A', [{ integrationId: single.id, productCodes: ['mumo'] }]);
    const b = await pkg('Single B', [{ integrationId: single.id, productCodes: ['kiddle'] }]);
    const refused = await plan({ packages: [{ packageId: a.id }, { packageId: b.id }] });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'CATALOG_SINGLE_PACKAGE_CONFLICT', rule: 'R10', errors: [{ path: 'body.packages.1.packageId', rule: 'R10' }] });
    expect(refused.body.errors[0].message).toContain("integration 'NEO pacote único', which allows a single package per customer");
  });

  it('R10: when a change would make an active plan hold two packages of a single-package integration, then it is refused', async () => {
    const flexible = await h.createIntegration({ description: 'Soon single' });
    await h.api('POST', `/v1/integrations/${flexible.id}/sync`);
    const a = await pkg('Flex A', [{ integrationId: flexible.id, productCodes: ['mumo'] }]);
    const b = await pkg('Flex B', [{ integrationId: flexible.id, productCodes: ['kiddle'] }]);
    const c = await pkg('Single C', [{ integrationId: single.id, productCodes: ['mumo'] }]);
    const d = await pkg('Plain D');
    const combo = await plan({ name: 'Combo', packages: [{ packageId: a.id }, { packageId: b.id }, { packageId: c.id }, { packageId: d.id }] });
    expect(combo.status).toBe(201);

    const switched = await h.api('PATCH', `/v1/integrations/${flexible.id}`, { version: 1, singlePackage: true });
    expect(switched).toMatchObject({ status: 422, body: { code: 'CATALOG_SINGLE_PACKAGE_CONFLICT', rule: 'R10', errors: [{ path: 'body.singlePackage' }] } });
    expect(switched.body.detail).toContain(combo.body.id);

    const granted = await h.api('PATCH', `/v1/packages/${d.id}`, { version: 1, grants: [{ integrationId: single.id, productCodes: ['kiddle'] }] });
    expect(granted).toMatchObject({ status: 422, body: { code: 'CATALOG_SINGLE_PACKAGE_CONFLICT', rule: 'R10', errors: [{ path: 'body.grants' }] } });

    // Once the plan is inactive, the catalog no longer holds the package edit back.
    expect((await h.api('PATCH', `/v1/plans/${combo.body.id}`, { version: 1, active: false })).body.active).toBe(false);
    expect((await h.api('PATCH', `/v1/packages/${d.id}`, { version: 1, grants: [{ integrationId: single.id, productCodes: ['kiddle'] }] })).status).toBe(200);
  });

  it('R6: when a package an active plan lists is deactivated, then it is refused until the plan no longer lists it', async () => {
    const listed = await pkg('Listed');
    const created = await plan({ name: 'Keeps it', packages: [{ packageId: listed.id, mandatory: true }] });
    const refused = await h.api('PATCH', `/v1/packages/${listed.id}`, { version: 1, active: false });
    expect(refused).toMatchObject({ status: 422, body: { code: 'CATALOG_PACKAGE_IN_ACTIVE_PLAN', rule: 'R6', errors: [{ path: 'body.active' }] } });
    expect(refused.body.detail).toContain("'Keeps it'");
    const emptied = await h.api('PATCH', `/v1/plans/${created.body.id}`, { version: 1, packages: [] });
    expect(emptied.body).toMatchObject({ version: 2, packages: [] });
    expect((await h.api('PATCH', `/v1/packages/${listed.id}`, { version: 1, active: false })).body.active).toBe(false);
  });

  it('R6: when a plan is edited, then the next version is announced; a stale edit is refused and a no-op announces nothing', async () => {
    const music = await pkg('Música 2');
    const created = await plan({ name: 'Fibra 300' });
    await planEvent(created.body.id, 1);
    const edited = await h.api('PATCH', `/v1/plans/${created.body.id}`, {
      version: 1,
      name: 'Fibra 350',
      downloadMbps: 350,
      priceCents: 10990,
      lockPackages: true,
      packages: [{ packageId: music.id, mandatory: true, trialDays: 30 }],
    });
    expect(edited.body).toMatchObject({ name: 'Fibra 350', downloadMbps: 350, uploadMbps: 250, priceCents: 10990, lockPackages: true, version: 2 });
    expect((await planEvent(created.body.id, 2)).payload).toMatchObject({ lockPackages: true, packages: [{ packageId: music.id, mandatory: true, trialDays: 30 }] });

    expect(await h.api('PATCH', `/v1/plans/${created.body.id}`, { version: 1, name: 'late' })).toMatchObject({ status: 409, body: { code: 'CATALOG_STALE_VERSION' } });
    expect((await h.api('PATCH', `/v1/plans/${created.body.id}`, { version: 2, name: 'Fibra 350' })).body.version).toBe(2);
    const marker = await plan({ name: 'marker' });
    await planEvent(marker.body.id, 1);
    expect(h.announced().filter((m) => m.subject === subjects.catalog.planChanged && m.payload.planId === created.body.id)).toHaveLength(2);
  });

  it('when plans are listed, then filters by package and state apply, and pages follow the cursor', async () => {
    const shared = await pkg('Shared by plans');
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await plan({ name: `Listed plan ${i}`, active: i !== 2, packages: [{ packageId: shared.id }] })).body.id);
    const first = await h.api('GET', `/v1/plans?packageId=${shared.id}&limit=2`);
    expect(first.body.items.map((p: { id: string }) => p.id)).toEqual(ids.slice(0, 2));
    const second = await h.api('GET', `/v1/plans?packageId=${shared.id}&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ items: [{ id: ids[2] }], nextCursor: null });
    expect((await h.api('GET', `/v1/plans?packageId=${shared.id}&active=false`)).body.items.map((p: { id: string }) => p.id)).toEqual([ids[2]]);
    expect((await h.api('GET', '/v1/plans?q=listed%20PLAN%201')).body.items.map((p: { id: string }) => p.id)).toEqual([ids[1]]);
  });

  it('when a plan does not exist, then 404 CATALOG_PLAN_NOT_FOUND', async () => {
    expect(await h.api('GET', '/v1/plans/6f1c1d1e-0000-4000-8000-000000000000')).toMatchObject({ status: 404, body: { code: 'CATALOG_PLAN_NOT_FOUND' } });
    expect(await h.api('PATCH', '/v1/plans/6f1c1d1e-0000-4000-8000-000000000000', { version: 1, name: 'x' })).toMatchObject({ status: 404, body: { code: 'CATALOG_PLAN_NOT_FOUND' } });
  });
});
