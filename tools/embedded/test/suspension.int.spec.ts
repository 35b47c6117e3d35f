import { DAY_MS, FixedClock } from '@sva/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../src/system.ts';
import { eventually, getJson, startSystemUnderTest, type SystemUnderTest } from './support/system-under-test.ts';

/**
 * R16–R17 end to end: billing-status judges a customer's standing from invoice facts and a clock,
 * subscriptions suspends or restores the customer's platform access where the integration syncs
 * subscription status, and the gateway answers NEO accordingly within a second, with no operator
 * action. The clock (a FixedClock shared by the services) is moved by hand; billing-status's
 * scheduler notices on its own. Runs on real PostgreSQL and NATS when the environment provides
 * them, else on the embedded equivalents.
 */
describe('suspension for debt and restoration (R16, R17): from invoice facts to the NEO callback', () => {
  // 12:00 UTC is 09:00 in São Paulo: past billing's daily evaluation time (06:00).
  const clock = new FixedClock('2026-11-20T12:00:00Z');
  let sut: SystemUnderTest;
  let system: RunningSystem;

  beforeAll(async () => {
    sut = await startSystemUnderTest('suspension test', { clock, billingSchedulerIntervalMs: 100 });
    ({ system } = sut);
  });

  afterAll(() => sut?.stop());

  const call: SystemUnderTest['call'] = (...args) => sut.call(...args);

  it('when an invoice goes overdue past grace, then within a second NEO is denied on the integration that syncs status and still allowed on the other; paying, and a trust unblock, restore access with no operator action; the trust unblock running out suspends it again', async () => {
    // Catalog: the same platform through two integrations, one syncing subscription status (R17), one not.
    const integration = async (description: string, syncSubscriptionStatus: boolean) => {
      const created = await call(system.urls.catalog, 'POST', '/v1/integrations', {
        description,
        loginField: 'cpf_cnpj',
        syncSubscriptionStatus,
        platform: sut.platform(),
      });
      expect(created.status).toBe(201);
      expect((await call(system.urls.catalog, 'POST', `/v1/integrations/${created.body.id}/sync`)).status).toBe(200);
      return { id: created.body.id as string, callbackUrl: created.body.callbackUrl as string };
    };
    const synced = await integration('NEO (sync status)', true);
    const unsynced = await integration('NEO (no status sync)', false);
    const pkg = await call(system.urls.catalog, 'POST', '/v1/packages', {
      description: 'Música',
      priceCents: 1990,
      grants: [
        { integrationId: synced.id, productCodes: ['mumo'] },
        { integrationId: unsynced.id, productCodes: ['mumo'] },
      ],
    });
    expect(pkg.status).toBe(201);

    // Subscriptions: a customer with an enabled service holding the package.
    const customer = await call(system.urls.subscriptions, 'POST', '/v1/customers', { name: 'Maria', document: '529.982.247-25' });
    expect(customer.status).toBe(201);
    const customerId: string = customer.body.id;
    const service = await call(system.urls.subscriptions, 'POST', `/v1/customers/${customerId}/services`, { status: 'enabled' });
    expect(service.status).toBe(201);
    expect((await call(system.urls.subscriptions, 'POST', `/v1/services/${service.body.id}/packages`, { packageId: pkg.body.id, consent: { channel: 'in_person', at: '2020-01-01T00:00:00Z', by: 'test operator' } })).status).toBe(201);
    const held = await eventually(async () => {
      const found = (await call(system.urls.subscriptions, 'GET', `/v1/customers/${customerId}`)).body;
      return found.entitlements?.length === 2 ? found : undefined;
    }, 10_000);
    const subscriberOn = (integrationId: string): string => held.entitlements.find((e: any) => e.integrationId === integrationId).subscriberId;
    const authorise = (target: { callbackUrl: string; id: string }) => getJson(`${target.callbackUrl}/authorise?subscriber_id=${subscriberOn(target.id)}&product=mumo`);
    const expectAnswers = async (syncedAnswer: Record<string, unknown>, timeoutMs: number) => {
      const answer = await eventually(async () => {
        const found = await authorise(synced);
        return found.allowed === syncedAnswer.allowed && found.reason === syncedAnswer.reason ? found : undefined;
      }, timeoutMs);
      expect(answer).toMatchObject(syncedAnswer);
      // R17: with status sync off nothing changes for the platform.
      expect(await authorise(unsynced)).toMatchObject({ allowed: true, reason: 'subscribed' });
    };
    await expectAnswers({ allowed: true, reason: 'subscribed' }, 5_000);

    // Billing: an invoice due today; in good standing until past the 5 grace days.
    const billing = (path: string, body?: unknown) => call(system.urls.billing, body === undefined ? 'GET' : 'POST', path, body);
    const standing = async () => (await billing(`/v1/customers/${customerId}/standing`)).body;
    const standingIs = (wanted: 'good' | 'delinquent') => eventually(async () => ((await standing()).standing === wanted ? true : undefined), 10_000);
    const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo' }).format(clock.now());
    const occurredAt = () => clock.now().toISOString();
    const issued = await billing('/v1/invoice-facts', { fact: 'issued', invoiceId: 'INV-1', customerId, amountCents: 9_990, dueDate: today(), occurredAt: occurredAt() });
    expect(issued.body.standing).toMatchObject({ standing: 'good' });

    // The clock moves six days on: no new fact, the daily evaluation finds the invoice past grace (R16)…
    clock.set(new Date(clock.now().getTime() + 6 * DAY_MS));
    await standingIs('delinquent');
    // …and within a second the gateway denies the synced integration's product (R17).
    await expectAnswers({ allowed: false, reason: 'service_suspended_debt' }, 1_000);

    // The customer pays: restored with no operator action.
    const paid = await billing('/v1/invoice-facts', { fact: 'paid', invoiceId: 'INV-1', customerId, paidOn: today(), occurredAt: occurredAt() });
    expect(paid.body.standing).toMatchObject({ standing: 'good' });
    await expectAnswers({ allowed: true, reason: 'subscribed' }, 1_000);

    // A second invoice, long overdue: suspended again at once (evaluated on the fact).
    const overdue = await billing('/v1/invoice-facts', { fact: 'issued', invoiceId: 'INV-2', customerId, amountCents: 9_990, dueDate: '2026-10-01', occurredAt: occurredAt() });
    expect(overdue.body.standing).toMatchObject({ standing: 'delinquent' });
    await expectAnswers({ allowed: false, reason: 'service_suspended_debt' }, 1_000);

    // A trust unblock of two days: restored while it runs (R16)…
    const trust = await billing(`/v1/customers/${customerId}/trust-unblocks`, { days: 2 });
    expect(trust.status).toBe(201);
    await expectAnswers({ allowed: true, reason: 'subscribed' }, 1_000);

    // …and when it runs out unpaid, suspended again by the scheduler, with no manual step.
    clock.set(trust.body.until);
    await standingIs('delinquent');
    await expectAnswers({ allowed: false, reason: 'service_suspended_debt' }, 1_000);
    const history = (await billing(`/v1/customers/${customerId}/trust-unblocks`)).body.items;
    expect(history).toEqual([expect.objectContaining({ id: trust.body.id, endReason: 'expired' })]);
  });
});
