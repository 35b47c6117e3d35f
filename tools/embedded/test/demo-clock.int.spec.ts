import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoClock, demoClockRefusal } from '../src/demo-clock.ts';
import { eventually, getJson, startSystemUnderTest, type SystemUnderTest } from './support/system-under-test.ts';

describe('demo clock refusal', () => {
  it('refuses a production-looking configuration and accepts a local one', () => {
    expect(demoClockRefusal({ NODE_ENV: 'production' })).toBe('NODE_ENV is production');
    expect(demoClockRefusal({ NATS_URL: 'nats://nats.prod.internal:4222' })).toBe('NATS_URL points at nats.prod.internal, not this machine');
    expect(demoClockRefusal({ BILLING_DATABASE_URL: 'postgres://sva@db.example.com/billing' })).toMatch(/^BILLING_DATABASE_URL/);
    expect(demoClockRefusal({ NATS_URL: 'nats://127.0.0.1:4222,localhost:4223', CATALOG_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x' })).toBeUndefined();
    expect(demoClockRefusal({})).toBeUndefined();
  });
});

/**
 * Issue 15 §2: one movable clock shared by the services; moving it through the operator endpoint
 * runs every time-driven job at once (no scheduler interval is shortened here).
 */
describe('demo clock (R11, R16)', () => {
  let sut: SystemUnderTest;
  const demo = createDemoClock();
  beforeAll(async () => {
    sut = await startSystemUnderTest('demo clock test', { demoClock: demo });
  });
  afterAll(() => sut?.stop());

  it('advancing 8 days ends a 7-day trial; advancing past a trust unblock suspends again', async () => {
    const { urls } = sut.system;
    const demoClockUrl = urls.demoClock!;
    expect((await fetch(`${demoClockUrl}/v1/demo-clock`)).status).toBe(401);
    const advance = async (by: Record<string, number>) => {
      const moved = await sut.advanceClock(by);
      expect(moved.jobs).toHaveLength(2);
      return moved;
    };
    expect((await sut.call(demoClockUrl, 'POST', '/v1/demo-clock/advance', { weeks: 1 })).status).toBe(400);

    const integration = await sut.created(urls.catalog, '/v1/integrations', { description: 'NEO', loginField: 'cpf_cnpj', syncSubscriptionStatus: true, platform: sut.platform() });
    expect((await sut.call(urls.catalog, 'POST', `/v1/integrations/${integration.id}/sync`)).status).toBe(200);
    const grant = (code: string) => [{ integrationId: integration.id, productCodes: [code] }];
    const music = await sut.created(urls.catalog, '/v1/packages', { description: 'Música', priceCents: 1_990, grants: grant('mumo') });
    const kids = await sut.created(urls.catalog, '/v1/packages', { description: 'Kids (degustação)', priceCents: 1_490, grants: grant('kiddle') });
    const plan = await sut.created(urls.catalog, '/v1/plans', {
      name: 'Fibra 300',
      downloadMbps: 300,
      uploadMbps: 150,
      priceCents: 9_990,
      packages: [
        { packageId: music.id, mandatory: true, trialDays: 0 },
        { packageId: kids.id, mandatory: false, trialDays: 7 },
      ],
    });
    const customer = await sut.created(urls.subscriptions, '/v1/customers', { name: 'João', document: '529.982.247-25' });
    const service = await sut.created(urls.subscriptions, `/v1/customers/${customer.id}/services`, { planId: plan.id, status: 'enabled' });
    expect(service.packages).toHaveLength(2);
    const subscriberId: string = (await sut.call(urls.subscriptions, 'GET', `/v1/customers/${customer.id}`)).body.entitlements[0].subscriberId;
    const until = (product: string, reason: string) =>
      eventually(async () => {
        const answer = await getJson(`${integration.callbackUrl}/authorise?subscriber_id=${subscriberId}&product=${product}`);
        return answer.reason === reason ? answer : undefined;
      }, 10_000);
    await until('kiddle', 'subscribed');

    // R11: eight days on, the trial sweep runs at once: the trial package is gone.
    const before = (await sut.call(demoClockUrl, 'GET', '/v1/demo-clock')).body;
    const moved = await advance({ days: 8 });
    expect(Date.parse(moved.now) - Date.parse(before.now)).toBeGreaterThanOrEqual(8 * 86_400_000);
    expect(await until('kiddle', 'trial_ended')).toMatchObject({ allowed: false });
    // The package is closed on the platform, then removed (R11): held no more once that is done.
    const held = await eventually(async () => {
      const packages: Array<{ packageId: string; detachedAt: string | null; detachReason: string | null }> = (await sut.call(urls.subscriptions, 'GET', `/v1/services/${service.id}`)).body.packages;
      return packages.some((p) => p.packageId === kids.id && p.detachedAt === null) ? undefined : packages;
    }, 10_000);
    expect(held.filter((p) => p.detachedAt === null).map((p) => p.packageId)).toEqual([music.id]);

    // R16: an invoice long overdue suspends; a trust unblock restores; past its end, suspended again.
    const dueDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo' }).format(new Date(demo.clock.now().getTime() - 30 * 86_400_000));
    const issued = await sut.call(urls.billing, 'POST', '/v1/invoice-facts', { fact: 'issued', invoiceId: 'INV-1', customerId: customer.id, amountCents: 9_990, dueDate, occurredAt: demo.clock.now().toISOString() });
    expect(issued.body.standing).toMatchObject({ standing: 'delinquent' });
    await until('mumo', 'service_suspended_debt');
    const trust = await sut.call(urls.billing, 'POST', `/v1/customers/${customer.id}/trust-unblocks`, { days: 2 });
    expect(trust.status).toBe(201);
    await until('mumo', 'subscribed');
    await advance({ days: 2, hours: 1 });
    expect((await sut.call(urls.billing, 'GET', `/v1/customers/${customer.id}/standing`)).body.standing).toBe('delinquent');
    await until('mumo', 'service_suspended_debt');
  });
});
