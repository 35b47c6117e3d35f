import { randomUUID } from 'node:crypto';
import { encodeJson } from '@sva/bus';
import { subjects, type StandingChangedV1 } from '@sva/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyStandingChanges } from '../src/use-cases/standing.ts';
import { directContext } from './support/direct-context.ts';
import { startHarness, type Harness } from './support/harness.ts';
import { consent } from './support/consent.ts';

/** R17: billing-status's standing changes, through the bus, as the standing consumer sees them. */
describe('payment standing and platform access (R16, R17)', () => {
  let h: Harness;

  beforeAll(async () => {
    // Small batches, so that the many-customers case spans several concurrent batches.
    h = await startHarness({ standingBatchSize: 16 });
    console.info(`standing.int.spec on ${h.label}`);
  });
  afterAll(() => h?.stop());

  const publish = (customerId: string, version: number, standing: StandingChangedV1['standing'], reason = 'invoice INV-1 overdue since 2026-11-10 (grace 5 days)') =>
    h.bus.publish(
      subjects.billing.standingChanged,
      encodeJson({ customerId, version, standing, reason, changedAt: h.clock.now().toISOString() } satisfies StandingChangedV1),
      { msgId: randomUUID() },
    );

  /** A customer holding a package granting `mumo` on an integration that syncs status and `kiddle` on one that does not. */
  const setup = async () => {
    const syncing = h.catalog.integration({ syncSubscriptionStatus: true });
    const notSyncing = h.catalog.integration({ syncSubscriptionStatus: false });
    for (const integration of [syncing, notSyncing]) await h.catalog.announce(subjects.catalog.integrationChanged, integration);
    const pkg = h.catalog.package([
      { integrationId: syncing.integrationId, productCodes: ['mumo'] },
      { integrationId: notSyncing.integrationId, productCodes: ['kiddle'] },
    ]);
    const { customerId, serviceId } = await h.customerWithService();
    await h.ok('POST', `/v1/services/${serviceId}/packages`, { consent, packageId: pkg.packageId });
    await h.eventually(() => h.kvRecord(syncing.integrationId, customerId));
    await h.eventually(() => h.kvRecord(notSyncing.integrationId, customerId));
    return { syncing, notSyncing, customerId, serviceId };
  };
  const state = async (integrationId: string, customerId: string) => (await h.kvRecord(integrationId, customerId))?.grants[0]?.state;
  /** Publish a change for another customer and wait for it: everything published before was handled. */
  const witness = async () => {
    const other = await setup();
    await publish(other.customerId, 1, 'delinquent');
    await h.eventually(async () => (await state(other.syncing.integrationId, other.customerId)) === 'suspended_debt');
  };

  it('R17: when a customer becomes delinquent, then platforms syncing status see the service suspended for debt; the others see no change', async () => {
    const { syncing, notSyncing, customerId } = await setup();
    const before = await h.kvRecord(notSyncing.integrationId, customerId);
    await publish(customerId, 1, 'delinquent');
    const record = await h.eventually(async () => {
      const r = await h.kvRecord(syncing.integrationId, customerId);
      return r?.grants[0]?.state === 'suspended_debt' ? r : undefined;
    });
    expect(record.status).toBe('suspended');
    expect(await h.kvRecord(notSyncing.integrationId, customerId)).toEqual(before);

    const explained = await h.ok('GET', `/v1/customers/${customerId}/explain?product=mumo`);
    expect(explained.answers.find((a: any) => a.integrationId === syncing.integrationId)).toMatchObject({ allowed: false, reason: 'service_suspended_debt' });
    expect(explained.summary).toContain('is suspended for debt: the customer is delinquent (invoice INV-1 overdue since 2026-11-10 (grace 5 days))');
    expect((await h.ok('GET', `/v1/customers/${customerId}`)).delinquent).toBe(true);
  });

  it('R17: when a delinquent customer pays (good standing), then access is restored with no operator step', async () => {
    const { syncing, customerId } = await setup();
    await publish(customerId, 1, 'delinquent');
    await h.eventually(async () => (await state(syncing.integrationId, customerId)) === 'suspended_debt');
    await publish(customerId, 2, 'good', 'no invoice overdue');
    await h.eventually(async () => (await state(syncing.integrationId, customerId)) === 'active');
    const changes = (await h.ok('GET', `/v1/customers/${customerId}/history`)).items.filter((e: any) => e.action === 'standing_changed');
    expect(changes.map((e: any) => [e.oldStatus, e.newStatus, e.actor])).toEqual([
      ['delinquent', 'good', 'system:billing-status'],
      ['good', 'delinquent', 'system:billing-status'],
    ]);
  });

  it('when an older standing arrives after a newer one, or the same one again, then nothing changes (versions)', async () => {
    const { syncing, customerId } = await setup();
    await publish(customerId, 2, 'delinquent');
    await h.eventually(async () => (await state(syncing.integrationId, customerId)) === 'suspended_debt');
    const version = (await h.kvRecord(syncing.integrationId, customerId))!.version;
    await publish(customerId, 1, 'good', 'stale');
    await publish(customerId, 2, 'delinquent');
    await witness();
    expect(await h.kvRecord(syncing.integrationId, customerId)).toMatchObject({ version, grants: [{ product: 'mumo', state: 'suspended_debt' }] });
    expect((await h.ok('GET', `/v1/customers/${customerId}/history`)).items.filter((e: any) => e.action === 'standing_changed')).toHaveLength(1);
  });

  it('when the standing of an unknown customer arrives, then it is dropped and the consumer carries on', async () => {
    await publish(randomUUID(), 1, 'delinquent');
    await witness();
  });

  it('R17: when many customers flip at once, in any order, then each ends with the standing of its newest version', async () => {
    const customers: Array<Awaited<ReturnType<typeof setup>>> = [];
    for (let i = 0; i < 20; i += 1) customers.push(await setup());
    const events = customers.flatMap(({ customerId }, i) => [
      { customerId, version: 1, standing: 'delinquent' as const },
      { customerId, version: 2, standing: 'good' as const },
      { customerId, version: 3, standing: i % 2 === 0 ? ('delinquent' as const) : ('good' as const) },
    ]);
    // Newest first for half of them: out-of-order delivery.
    events.sort((a, b) => (a.customerId < b.customerId ? -1 : 1) * (a.version % 2 === 0 ? 1 : -1) || b.version - a.version);
    await Promise.all(events.map((e) => publish(e.customerId, e.version, e.standing)));
    for (const [i, { syncing, customerId }] of customers.entries()) {
      await h.eventually(async () => (await h.ok('GET', `/v1/customers/${customerId}`)).delinquent === (i % 2 === 0) && (await state(syncing.integrationId, customerId)) === (i % 2 === 0 ? 'suspended_debt' : 'active'));
    }
  });
});

describe('standing changes redelivered (use case on its own database)', () => {
  let direct: Awaited<ReturnType<typeof directContext>>;

  beforeAll(async () => {
    direct = await directContext();
  });
  afterAll(() => direct?.stop());

  it('when the same standing change is delivered twice, or an older one late, then only the first newer one takes (no inbox needed)', async () => {
    const { ctx } = direct;
    const customerId = randomUUID();
    await ctx.db.customer.create({
      data: { id: customerId, name: 'Maria', documentType: 'cpf', documentKey: `key-${customerId}`, documentVerifier: 'verifier-0123456789', documentMasked: '***' },
    });
    const event = (version: number, standing: StandingChangedV1['standing']): StandingChangedV1 => ({ customerId, version, standing, reason: `v${version}`, changedAt: '2026-11-20T12:00:00.000Z' });
    expect(await applyStandingChanges(ctx, [event(2, 'delinquent')])).toEqual(['applied']);
    expect(await applyStandingChanges(ctx, [event(2, 'delinquent')])).toEqual(['stale']);
    expect(await applyStandingChanges(ctx, [event(1, 'good')])).toEqual(['stale']);
    // In one batch, only the newest of a customer's changes takes.
    expect(await applyStandingChanges(ctx, [event(4, 'delinquent'), event(3, 'good'), event(4, 'delinquent'), { ...event(1, 'good'), customerId: randomUUID() }])).toEqual([
      'applied',
      'stale',
      'stale',
      'unknown_customer',
    ]);
    expect(await ctx.db.customer.findUniqueOrThrow({ where: { id: customerId } })).toMatchObject({ delinquent: true, standingVersion: 4, standingReason: 'v4' });
    expect(await ctx.db.historyEntry.count({ where: { customerId, action: 'standing_changed' } })).toBe(1);
  });
});
