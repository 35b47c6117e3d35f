import { subjects } from '@sva/contracts';
import { DAY_MS } from '@sva/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.ts';
import { consent } from './support/consent.ts';

/**
 * Packages on services through the operator API (R7–R13), on real PostgreSQL and NATS (or the
 * embedded equivalents), with a fake catalog answering on the bus.
 */
describe('packages on services (R7–R13), through the HTTP API', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    console.info(`packages.int.spec on ${h.label}`);
  });
  afterAll(() => h?.stop());

  const neo = async (fields: Parameters<Harness['catalog']['integration']>[0] = {}) => {
    const integration = h.catalog.integration(fields);
    await h.catalog.announce(subjects.catalog.integrationChanged, integration);
    return integration;
  };

  it('R7: when a package is attached without a price, then it takes the package price; with one, the override (history keeps both)', async () => {
    const integration = await neo();
    const pkg = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }], { priceCents: 1_990 });
    const other = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['kiddle'] }], { priceCents: 2_490 });
    const { customerId, serviceId } = await h.customerWithService();
    const byDefault = await h.call('POST', `/v1/services/${serviceId}/packages`, { consent, packageId: pkg.packageId });
    expect(byDefault.status).toBe(201);
    expect(byDefault.body).toMatchObject({ priceCents: 1_990, priceOverridden: false, fromPlan: false, trialEndsAt: null });
    const overridden = await h.call('POST', `/v1/services/${serviceId}/packages`, { consent, packageId: other.packageId, priceCents: 990 }, { 'x-actor': 'joão.operador' });
    expect(overridden.body).toMatchObject({ priceCents: 990, priceOverridden: true });

    const changed = await h.call('PATCH', `/v1/services/${serviceId}/packages/${byDefault.body.id}`, { priceCents: 1_500, reason: 'loyalty discount' }, { 'x-actor': 'maria.suporte' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ priceCents: 1_500, priceOverridden: true });
    const back = await h.call('PATCH', `/v1/services/${serviceId}/packages/${byDefault.body.id}`, { priceCents: null });
    expect(back.body).toMatchObject({ priceCents: 1_990, priceOverridden: false });

    const history = (await h.ok('GET', `/v1/customers/${customerId}/history`)).items;
    const prices = history.filter((e: any) => e.action === 'price_changed');
    expect(prices).toEqual([
      expect.objectContaining({ actor: 'api-key', oldPriceCents: 1_500, newPriceCents: 1_990, reason: 'back to the catalog price' }),
      expect.objectContaining({ actor: 'maria.suporte', oldPriceCents: 1_990, newPriceCents: 1_500, reason: 'loyalty discount' }),
    ]);
    expect(history.find((e: any) => e.action === 'package_attached' && e.packageId === other.packageId)).toMatchObject({
      actor: 'joão.operador',
      newPriceCents: 990,
      reason: 'price set for this customer (catalog price 2490)',
    });
  });

  it('R19 consent refusal: when a paid package outside the plan is attached without consent, then 400 names the consent field; with it, it is attached', async () => {
    const integration = await neo();
    const pkg = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }], { priceCents: 1_990 });
    const free = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['kiddle'] }], { priceCents: 0 });
    const { serviceId } = await h.customerWithService();
    const refused = await h.call('POST', `/v1/services/${serviceId}/packages`, { packageId: pkg.packageId });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'SUBSCRIPTIONS_CONSENT_REQUIRED', rule: 'R19', errors: [{ path: 'consent', rule: 'R19' }] });
    const badChannel = await h.call('POST', `/v1/services/${serviceId}/packages`, { packageId: pkg.packageId, consent: { ...consent, channel: 'email' } });
    expect(badChannel.status).toBe(400);
    expect(JSON.stringify(badChannel.body)).toContain('consent.channel');
    expect((await h.call('POST', `/v1/services/${serviceId}/packages`, { packageId: free.packageId })).status).toBe(201);
    expect((await h.call('POST', `/v1/services/${serviceId}/packages`, { packageId: pkg.packageId, consent })).status).toBe(201);
  });

  it('R8: when the service plan locks packages, then only its own packages can be attached, and the refusal says why', async () => {
    const integration = await neo();
    const inPlan = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }], { description: 'Música' });
    const outside = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['kiddle'] }], { description: 'Kids' });
    const plan = h.catalog.plan([{ packageId: inPlan.packageId, mandatory: false, trialDays: 0 }], { name: 'Fibra 500', lockPackages: true });
    const { serviceId } = await h.customerWithService({ planId: plan.planId });
    const refused = await h.call('POST', `/v1/services/${serviceId}/packages`, { consent, packageId: outside.packageId });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      code: 'SUBSCRIPTIONS_PACKAGE_LOCKED_BY_PLAN',
      rule: 'R8',
      detail: `package ${outside.packageId} ("Kids") is not in plan ${plan.planId} ("Fibra 500") and the plan locks packages`,
      errors: [{ path: 'packageId', rule: 'R8' }],
    });

    // The same package on a plan that does not lock is fine.
    const open = h.catalog.plan([], { lockPackages: false });
    const { serviceId: openService } = await h.customerWithService({ planId: open.planId });
    expect((await h.call('POST', `/v1/services/${openService}/packages`, { consent, packageId: outside.packageId })).status).toBe(201);
  });

  it('R11: when a service is created with a plan, then it gets the plan\'s packages, trial ones with an end date = start + trial days', async () => {
    const integration = await neo();
    const music = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }]);
    const kids = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['kiddle'] }]);
    const retired = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['old'] }], { active: false });
    const plan = h.catalog.plan([
      { packageId: music.packageId, mandatory: true, trialDays: 0 },
      { packageId: kids.packageId, mandatory: false, trialDays: 7 },
      { packageId: retired.packageId, mandatory: false, trialDays: 0 },
    ]);
    const { customerId, service } = await h.customerWithService({ planId: plan.planId });
    expect(service.planId).toBe(plan.planId);
    expect(service.packages).toHaveLength(2);
    expect(service.packages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ packageId: music.packageId, fromPlan: true, trialEndsAt: null }),
        expect.objectContaining({ packageId: kids.packageId, fromPlan: true, trialEndsAt: new Date(h.clock.now().getTime() + 7 * DAY_MS).toISOString() }),
      ]),
    );
    // R12, R13: the plan's packages entitle the customer at once.
    const record = await h.eventually(() => h.kvRecord(integration.integrationId, customerId));
    expect(record.grants).toEqual([
      { product: 'kiddle', state: 'active' },
      { product: 'mumo', state: 'active' },
    ]);
  });

  it('R6: when the plan is unknown or inactive, then the service is refused naming the plan', async () => {
    const { customerId } = await h.customerWithService();
    const unknown = await h.call('POST', `/v1/customers/${customerId}/services`, { planId: '00000000-0000-4000-8000-000000000001' });
    expect(unknown.body).toMatchObject({ status: 422, code: 'SUBSCRIPTIONS_PLAN_UNKNOWN', errors: [{ path: 'planId' }] });
    const inactive = h.catalog.plan([], { active: false });
    expect((await h.call('POST', `/v1/customers/${customerId}/services`, { planId: inactive.planId })).body).toMatchObject({ code: 'SUBSCRIPTIONS_PLAN_INACTIVE' });
  });

  it('R9: when a package is mandatory in the service plan, then it cannot be detached while the plan is in force; an optional one can', async () => {
    const integration = await neo();
    const music = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }], { description: 'Música' });
    const kids = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['kiddle'] }]);
    const plan = h.catalog.plan(
      [
        { packageId: music.packageId, mandatory: true, trialDays: 0 },
        { packageId: kids.packageId, mandatory: false, trialDays: 0 },
      ],
      { name: 'Combo' },
    );
    const { serviceId, service } = await h.customerWithService({ planId: plan.planId });
    const mandatory = service.packages.find((p: any) => p.packageId === music.packageId);
    const optional = service.packages.find((p: any) => p.packageId === kids.packageId);
    const refused = await h.call('DELETE', `/v1/services/${serviceId}/packages/${mandatory.id}`);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'SUBSCRIPTIONS_MANDATORY_PACKAGE',
      rule: 'R9',
      detail: `package ${music.packageId} ("Música") is mandatory in plan ${plan.planId} ("Combo") and cannot be detached while the plan is in force`,
    });
    expect((await h.call('DELETE', `/v1/services/${serviceId}/packages/${optional.id}`)).status).toBe(204);
    // Once the service is cancelled, the plan is no longer in force.
    await h.ok('POST', `/v1/services/${serviceId}/status`, { status: 'cancelled' });
    expect((await h.call('DELETE', `/v1/services/${serviceId}/packages/${mandatory.id}`)).status).toBe(204);
  });

  it('R10: when the integration allows a single package, then a second package of it is refused, also across the customer\'s services', async () => {
    const integration = await neo({ singlePackage: true });
    const first = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }], { description: 'Música' });
    const second = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['kiddle'] }], { description: 'Kids' });
    const { customerId, serviceId } = await h.customerWithService();
    expect((await h.call('POST', `/v1/services/${serviceId}/packages`, { consent, packageId: first.packageId })).status).toBe(201);
    const other = await h.ok('POST', `/v1/customers/${customerId}/services`, { status: 'enabled' });
    const refused = await h.call('POST', `/v1/services/${other.id}/packages`, { consent, packageId: second.packageId });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'SUBSCRIPTIONS_SINGLE_PACKAGE', rule: 'R10' });
    expect(refused.body.detail).toContain(`already holds package ${first.packageId} ("Música")`);
    // The same package on a second service is still one package.
    expect((await h.call('POST', `/v1/services/${other.id}/packages`, { consent, packageId: first.packageId })).status).toBe(201);
    // Twice on the same service is a conflict.
    expect((await h.call('POST', `/v1/services/${serviceId}/packages`, { consent, packageId: first.packageId })).body).toMatchObject({ status: 409, code: 'SUBSCRIPTIONS_PACKAGE_ALREADY_ATTACHED' });
  });

  it('R10: when many attaches of different packages of a single-package integration race in parallel, then exactly one succeeds', async () => {
    const integration = await neo({ singlePackage: true });
    const packages = Array.from({ length: 8 }, (_, i) => h.catalog.package([{ integrationId: integration.integrationId, productCodes: [`p${i}`] }]));
    const { customerId, serviceId } = await h.customerWithService();
    const second = await h.ok('POST', `/v1/customers/${customerId}/services`, { status: 'enabled' });
    const answers = await Promise.all(
      packages.map((pkg, i) => h.call('POST', `/v1/services/${i % 2 ? second.id : serviceId}/packages`, { consent, packageId: pkg.packageId })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 422, 422, 422, 422, 422, 422, 422]);
    expect(answers.filter((a) => a.status === 422).every((a) => a.body.code === 'SUBSCRIPTIONS_SINGLE_PACKAGE')).toBe(true);
    const customer = await h.ok('GET', `/v1/customers/${customerId}`);
    expect(customer.services.flatMap((s: any) => s.packages)).toHaveLength(1);
  });

  it('R12: when the service awaits installation, then the product is pending; enabling activates it; suspending and cancelling deactivate it', async () => {
    const integration = await neo();
    const pkg = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }]);
    const { customerId, serviceId } = await h.customerWithService({ status: 'awaiting_installation' });
    await h.ok('POST', `/v1/services/${serviceId}/packages`, { consent, packageId: pkg.packageId });
    const state = (record: any) => record?.grants.find((g: any) => g.product === 'mumo')?.state;
    await h.eventually(async () => state(await h.kvRecord(integration.integrationId, customerId)) === 'pending_installation');
    await h.ok('POST', `/v1/services/${serviceId}/status`, { status: 'enabled' });
    await h.eventually(async () => state(await h.kvRecord(integration.integrationId, customerId)) === 'active');
    await h.ok('POST', `/v1/services/${serviceId}/status`, { status: 'suspended_request', reason: 'customer travelling' }, { 'x-actor': 'ana' });
    await h.eventually(async () => state(await h.kvRecord(integration.integrationId, customerId)) === 'suspended_request');
    await h.ok('POST', `/v1/services/${serviceId}/status`, { status: 'cancelled' });
    const record = await h.eventually(async () => {
      const r = await h.kvRecord(integration.integrationId, customerId);
      return state(r) === 'cancelled' ? r : undefined;
    });
    expect(record.status).toBe('cancelled');
    const statuses = (await h.ok('GET', `/v1/customers/${customerId}/history`)).items.filter((e: any) => e.action === 'status_changed');
    expect(statuses.map((e: any) => [e.oldStatus, e.newStatus, e.actor])).toEqual([
      ['suspended_request', 'cancelled', 'api-key'],
      ['enabled', 'suspended_request', 'ana'],
      ['awaiting_installation', 'enabled', 'api-key'],
    ]);
    expect(statuses[1].reason).toBe('customer travelling');
    expect((await h.call('POST', `/v1/services/${serviceId}/status`, { status: 'enabled' })).body).toMatchObject({ status: 409, code: 'SUBSCRIPTIONS_ILLEGAL_STATUS_CHANGE' });
  });

  it('R12: when a package is detached, then its products are no longer active for the gateway, and the attachment stays as history', async () => {
    const integration = await neo();
    const pkg = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }]);
    const { customerId, serviceId } = await h.customerWithService();
    const attached = await h.ok('POST', `/v1/services/${serviceId}/packages`, { consent, packageId: pkg.packageId });
    await h.eventually(async () => (await h.kvRecord(integration.integrationId, customerId))?.grants[0]?.state === 'active');
    expect((await h.call('DELETE', `/v1/services/${serviceId}/packages/${attached.id}?reason=asked%20by%20phone`, undefined, { 'x-actor': 'carla' })).status).toBe(204);
    await h.eventually(async () => (await h.kvRecord(integration.integrationId, customerId))?.grants[0]?.state === 'cancelled');
    const service = await h.ok('GET', `/v1/services/${serviceId}`);
    expect(service.packages[0]).toMatchObject({ id: attached.id, detachReason: 'detached' });
    expect(service.packages[0].detachedAt).not.toBeNull();
    const detached = (await h.ok('GET', `/v1/customers/${customerId}/history`)).items.find((e: any) => e.action === 'package_detached');
    expect(detached).toMatchObject({ actor: 'carla', reason: 'asked by phone', attachmentId: attached.id, oldPriceCents: 1_990 });
    expect((await h.call('DELETE', `/v1/services/${serviceId}/packages/${attached.id}`)).body).toMatchObject({ status: 404, code: 'SUBSCRIPTIONS_ATTACHMENT_NOT_FOUND' });
  });

  it('R13: when a customer gets packages of an integration on two services, then one random subscriber id serves both, for ever', async () => {
    const integration = await neo();
    const music = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }]);
    const kids = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['kiddle'] }]);
    const { customerId, serviceId } = await h.customerWithService();
    const other = await h.ok('POST', `/v1/customers/${customerId}/services`, { status: 'enabled' });
    const first = await h.ok('POST', `/v1/services/${serviceId}/packages`, { consent, packageId: music.packageId });
    const subscriberId = (await h.eventually(() => h.kvRecord(integration.integrationId, customerId))).subscriberId;
    expect(subscriberId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await h.ok('POST', `/v1/services/${other.id}/packages`, { consent, packageId: kids.packageId });
    await h.ok('DELETE', `/v1/services/${serviceId}/packages/${first.id}`);
    const record = await h.eventually(async () => {
      const r = await h.kvRecord(integration.integrationId, customerId);
      return r && r.grants.length === 2 ? r : undefined;
    });
    expect(record.subscriberId).toBe(subscriberId);
    const customer = await h.ok('GET', `/v1/customers/${customerId}`);
    expect(customer.entitlements).toEqual([expect.objectContaining({ integrationId: integration.integrationId, subscriberId })]);
  });

  it('when input is malformed or the actor is unacceptable, then the answer is a 4xx problem naming the field, never a 500', async () => {
    const { serviceId } = await h.customerWithService();
    expect((await h.call('POST', `/v1/services/${serviceId}/packages`, { consent, packageId: 'not-a-uuid' })).body).toMatchObject({ status: 400, code: 'HTTP_VALIDATION_FAILED' });
    expect((await h.call('POST', `/v1/services/${serviceId}/packages`, { consent, packageId: '00000000-0000-4000-8000-000000000009' })).body).toMatchObject({
      status: 422,
      code: 'SUBSCRIPTIONS_PACKAGE_UNKNOWN',
    });
    expect((await h.call('POST', '/v1/services/00000000-0000-4000-8000-000000000009/status', { status: 'enabled' })).body).toMatchObject({ status: 404, code: 'SUBSCRIPTIONS_SERVICE_NOT_FOUND' });
    const badActor = await h.call('POST', `/v1/services/${serviceId}/status`, { status: 'suspended_request' }, { 'x-actor': 'system:trial-expiry' });
    expect(badActor.body).toMatchObject({ status: 400, code: 'SUBSCRIPTIONS_INVALID_ACTOR', errors: [{ path: 'headers.x-actor' }] });
    expect((await h.call('POST', '/v1/customers', { name: 'X', document: '111.111.111-11' })).body).toMatchObject({ status: 400, code: 'SUBSCRIPTIONS_INVALID_DOCUMENT' });
  });
});
