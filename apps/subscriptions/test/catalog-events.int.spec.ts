import { randomUUID } from 'node:crypto';
import { EntitlementV1, subjects, type PackageChangedV1, type PackageV1 } from '@sva/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integrationChanged, packageChanged } from '../src/use-cases/catalog-changes.ts';
import { drainRefreshQueue } from '../src/use-cases/refresh-queue.ts';
import { directContext } from './support/direct-context.ts';
import { newIntegration, startHarness, type Harness } from './support/harness.ts';
import { consent } from './support/consent.ts';

describe('catalog changes flowing through (R5, R7, R12, R13, R15), through the bus', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    console.info(`catalog-events.int.spec on ${h.label}`);
  });
  afterAll(() => h?.stop());

  const setup = async () => {
    const integration = h.catalog.integration();
    await h.catalog.announce(subjects.catalog.integrationChanged, integration);
    const pkg = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }], { description: 'Música' });
    const { customerId, serviceId } = await h.customerWithService();
    const attachment = await h.ok('POST', `/v1/services/${serviceId}/packages`, { consent, packageId: pkg.packageId });
    await h.eventually(() => h.kvRecord(integration.integrationId, customerId));
    return { integration, pkg, customerId, serviceId, attachment };
  };
  const grants = async (integrationId: string, customerId: string) => (await h.kvRecord(integrationId, customerId))?.grants.map((g) => `${g.product}:${g.state}`).sort().join(',');
  /** Announce a change and wait until the consumer handled it (by the effect `witness` waits for). */
  const witness = async () => {
    const { integration, pkg, customerId } = await setup();
    await h.catalog.announce(subjects.catalog.packageChanged, { ...pkg, version: pkg.version + 1, grants: [{ integrationId: integration.integrationId, productCodes: ['mumo', 'witness'] }] });
    await h.eventually(async () => (await grants(integration.integrationId, customerId))?.includes('witness'));
  };

  it('R5, R12: when a package gains a product in the catalog, then every holder\'s record gains it, with no operator step', async () => {
    const { integration, pkg, customerId } = await setup();
    await h.catalog.announce(subjects.catalog.packageChanged, { ...pkg, version: 2, grants: [{ integrationId: integration.integrationId, productCodes: ['mumo', 'kiddle'] }] });
    await h.eventually(async () => (await grants(integration.integrationId, customerId)) === 'kiddle:active,mumo:active');
  });

  it('R13: when a package starts granting products of another integration, then its holders get a subscriber id there', async () => {
    const { integration, pkg, customerId } = await setup();
    const other = h.catalog.integration({ description: 'Other platform' });
    await h.catalog.announce(subjects.catalog.integrationChanged, other);
    await h.catalog.announce(subjects.catalog.packageChanged, {
      ...pkg,
      version: 2,
      grants: [
        { integrationId: integration.integrationId, productCodes: ['mumo'] },
        { integrationId: other.integrationId, productCodes: ['books'] },
      ],
    });
    const record = await h.eventually(() => h.kvRecord(other.integrationId, customerId));
    expect(record.grants).toEqual([{ product: 'books', state: 'active' }]);
    expect(record.subscriberId).not.toBe((await h.kvRecord(integration.integrationId, customerId))!.subscriberId);
  });

  it('when an older version of a package arrives after a newer one, then it is ignored (out-of-order delivery)', async () => {
    const { integration, pkg, customerId } = await setup();
    await h.catalog.announce(subjects.catalog.packageChanged, { ...pkg, version: 3, grants: [{ integrationId: integration.integrationId, productCodes: ['mumo', 'kiddle'] }] });
    await h.eventually(async () => (await grants(integration.integrationId, customerId)) === 'kiddle:active,mumo:active');
    await h.catalog.announce(subjects.catalog.packageChanged, { ...pkg, version: 2, grants: [{ integrationId: integration.integrationId, productCodes: ['old'] }] });
    // The same version again under a new message id (a republish) changes nothing either.
    await h.catalog.announce(subjects.catalog.packageChanged, { ...pkg, version: 3, grants: [{ integrationId: integration.integrationId, productCodes: ['other'] }] });
    await witness();
    expect(await grants(integration.integrationId, customerId)).toBe('kiddle:active,mumo:active');
  });

  it('R7: when the catalog price changes, then attachments without their own price follow it (history says so), overridden ones keep theirs', async () => {
    const { pkg, customerId, serviceId, attachment } = await setup();
    const overridden = await h.customerWithService();
    const own = await h.ok('POST', `/v1/services/${overridden.serviceId}/packages`, { consent, packageId: pkg.packageId, priceCents: 990 });
    await h.catalog.announce(subjects.catalog.packageChanged, { ...pkg, version: 2, priceCents: 2_990 });
    await h.eventually(async () => (await h.ok('GET', `/v1/services/${serviceId}`)).packages[0].priceCents === 2_990);
    const change = (await h.ok('GET', `/v1/customers/${customerId}/history`)).items.find((e: any) => e.action === 'price_changed');
    expect(change).toMatchObject({ actor: 'system:catalog', attachmentId: attachment.id, oldPriceCents: 1_990, newPriceCents: 2_990 });
    expect(change.reason).toContain('catalog price of package "Música" changed');
    expect((await h.ok('GET', `/v1/services/${overridden.serviceId}`)).packages[0]).toMatchObject({ id: own.id, priceCents: 990, priceOverridden: true });
  });

  it('R15: when an integration stops syncing subscription status, then a suspended (not cancelled) service counts again', async () => {
    const { integration, customerId, serviceId } = await setup();
    await h.ok('POST', `/v1/services/${serviceId}/status`, { status: 'suspended_request' });
    await h.eventually(async () => (await grants(integration.integrationId, customerId)) === 'mumo:suspended_request');
    await h.catalog.announce(subjects.catalog.integrationChanged, { ...integration, version: 2, syncSubscriptionStatus: false });
    await h.eventually(async () => (await grants(integration.integrationId, customerId)) === 'mumo:active');
  });

  it('R8: when a plan starts locking packages, then the next attach of an outside package is refused', async () => {
    const integration = h.catalog.integration();
    await h.catalog.announce(subjects.catalog.integrationChanged, integration);
    const outside = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['kiddle'] }]);
    const another = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['books'] }]);
    const plan = h.catalog.plan([], { lockPackages: false });
    const { serviceId } = await h.customerWithService({ planId: plan.planId });
    expect((await h.call('POST', `/v1/services/${serviceId}/packages`, { consent, packageId: outside.packageId })).status).toBe(201);
    await h.catalog.announce(subjects.catalog.planChanged, { ...plan, version: 2, lockPackages: true });
    await witness();
    expect((await h.call('POST', `/v1/services/${serviceId}/packages`, { consent, packageId: another.packageId })).body).toMatchObject({ status: 422, code: 'SUBSCRIPTIONS_PACKAGE_LOCKED_BY_PLAN' });
  });
});

describe('catalog consumer idempotency and the refresh queue (use cases on their own database)', () => {
  let direct: Awaited<ReturnType<typeof directContext>>;

  beforeAll(async () => {
    direct = await directContext();
  });
  afterAll(() => direct?.stop());

  const seed = async (holders: number) => {
    const { ctx } = direct;
    const integration = newIntegration();
    const pkg: PackageV1 = { packageId: randomUUID(), version: 1, description: 'Música', priceCents: 1_990, active: true, grants: [{ integrationId: integration.integrationId, productCodes: ['mumo'] }] };
    await integrationChanged(ctx, integration, randomUUID());
    await packageChanged(ctx, { ...pkg, changedAt: new Date().toISOString() }, randomUUID());
    await ctx.db.$executeRaw`
      INSERT INTO customer (id, name, document_type, document_key, document_verifier, document_masked, updated_at)
      SELECT gen_random_uuid(), 'holder ' || i, 'cpf', ${pkg.packageId} || '-document-key-' || i, 'document-verifier-' || i, '***', now() FROM generate_series(1, ${holders}) AS i`;
    await ctx.db.$executeRaw`
      INSERT INTO customer_service (id, customer_id, status, updated_at)
      SELECT gen_random_uuid(), id, 'enabled', now() FROM customer WHERE document_key LIKE ${`${pkg.packageId}-%`}`;
    await ctx.db.$executeRaw`
      INSERT INTO service_package (id, service_id, package_id, price_cents, attached_at)
      SELECT gen_random_uuid(), s.id, ${pkg.packageId}::uuid, 1990, now() FROM customer_service s JOIN customer c ON c.id = s.customer_id
      WHERE c.document_key LIKE ${`${pkg.packageId}-%`}`;
    return { integration, pkg };
  };
  const drain = async () => {
    let handled = 0;
    for (let n = await drainRefreshQueue(direct.ctx); n > 0; n = await drainRefreshQueue(direct.ctx)) handled += n;
    return handled;
  };

  it('when a package held by many customers changes, then one insert queues them all and the worker refreshes them in batches', async () => {
    const { integration, pkg } = await seed(600);
    const changed: PackageChangedV1 = { ...pkg, version: 2, grants: [{ integrationId: integration.integrationId, productCodes: ['mumo', 'kiddle'] }], changedAt: new Date().toISOString() };
    expect(await packageChanged(direct.ctx, changed, randomUUID())).toBe(600);
    expect(await drain()).toBe(600);
    const records = await direct.ctx.db.entitlement.findMany({ where: { integrationId: integration.integrationId } });
    expect(records).toHaveLength(600);
    for (const row of records) expect(EntitlementV1.parse(row.record).grants.map((g) => g.product).sort()).toEqual(['kiddle', 'mumo']);
    // R13: each got its own subscriber id.
    expect(new Set(records.map((row) => EntitlementV1.parse(row.record).subscriberId)).size).toBe(600);
  });

  it('when the same catalog message is delivered twice, then the second delivery changes nothing (inbox)', async () => {
    const { pkg } = await seed(3);
    await drain();
    const msgId = randomUUID();
    const changed: PackageChangedV1 = { ...pkg, version: 2, priceCents: 2_490, changedAt: new Date().toISOString() };
    expect(await packageChanged(direct.ctx, changed, msgId)).toBe(3);
    expect(await packageChanged(direct.ctx, changed, msgId)).toBe(0);
    const priceChanges = await direct.ctx.db.historyEntry.count({ where: { packageId: pkg.packageId, action: 'price_changed' } });
    expect(priceChanges).toBe(3);
    // The same version under another message id (a republish) is recognised by its version.
    expect(await packageChanged(direct.ctx, changed, randomUUID())).toBe(0);
    expect(await direct.ctx.db.historyEntry.count({ where: { packageId: pkg.packageId, action: 'price_changed' } })).toBe(3);
  });
});
