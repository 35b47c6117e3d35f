import { DAY_MS, FixedClock } from '@sva/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../src/system.ts';
import { eventually, startSystemUnderTest, type SystemUnderTest } from './support/system-under-test.ts';

/**
 * Issue 4 end to end: a plan with a mandatory package, a trial package and an optional one
 * (catalog), a customer's service on that plan (subscriptions), and what NEO hears from the
 * gateway as the rules play out — R8 and R9 refusals, a trial ending by the (fixed) clock (R11),
 * a detach (R12). Real PostgreSQL and NATS when the environment provides them, else the
 * embedded equivalents.
 */
describe('entitlements end to end (R8, R9, R11, R12, R13): from the operator APIs to the NEO callback', () => {
  const clock = new FixedClock('2026-11-01T15:00:00Z');
  let sut: SystemUnderTest;
  let system: RunningSystem;

  beforeAll(async () => {
    sut = await startSystemUnderTest('entitlements test', { clock, trialSweepIntervalMs: 100 });
    ({ system } = sut);
  });

  afterAll(() => sut?.stop());

  const call: SystemUnderTest['call'] = (...args) => sut.call(...args);
  const created: SystemUnderTest['created'] = (...args) => sut.created(...args);

  it('when a customer\'s service runs on a plan, then NEO is answered per R8/R9/R11/R12 as the operator and the clock act', async () => {
    // Catalog: NEO by CPF, products synced, four packages, a plan locking packages.
    const integration = await created(system.urls.catalog, '/v1/integrations', {
      description: 'NEO',
      loginField: 'cpf_cnpj',
      platform: sut.platform(),
    });
    expect((await call(system.urls.catalog, 'POST', `/v1/integrations/${integration.id}/sync`)).status).toBe(200);
    const grant = (code: string) => [{ integrationId: integration.id, productCodes: [code] }];
    const music = await created(system.urls.catalog, '/v1/packages', { description: 'Música', priceCents: 1_990, grants: grant('mumo') });
    const kids = await created(system.urls.catalog, '/v1/packages', { description: 'Kids (degustação)', priceCents: 1_490, grants: grant('kiddle') });
    const reading = await created(system.urls.catalog, '/v1/packages', { description: 'Leitura', priceCents: 990, grants: grant('leiturinha') });
    const kidsAlone = await created(system.urls.catalog, '/v1/packages', { description: 'Kids avulso', priceCents: 1_990, grants: grant('kiddle') });
    const plan = await created(system.urls.catalog, '/v1/plans', {
      name: 'Fibra 500',
      downloadMbps: 500,
      uploadMbps: 250,
      priceCents: 9_990,
      lockPackages: true,
      packages: [
        { packageId: music.id, mandatory: true, trialDays: 0 },
        { packageId: kids.id, mandatory: false, trialDays: 7 },
        { packageId: reading.id, mandatory: false, trialDays: 0 },
      ],
    });

    // Subscriptions: the service on the plan gets its three packages (R11), the trial with its end date.
    const customer = await created(system.urls.subscriptions, '/v1/customers', { name: 'Maria', document: '529.982.247-25' });
    const service = await created(system.urls.subscriptions, `/v1/customers/${customer.id}/services`, { planId: plan.id, status: 'enabled' });
    expect(service.packages).toHaveLength(3);
    const attachmentOf = (packageId: string) => service.packages.find((p: any) => p.packageId === packageId);
    expect(attachmentOf(kids.id).trialEndsAt).toBe('2026-11-08T15:00:00.000Z');
    const held = await call(system.urls.subscriptions, 'GET', `/v1/customers/${customer.id}`);
    const subscriberId: string = held.body.entitlements[0].subscriberId;

    const callback: string = integration.callbackUrl;
    const authorise = async (product: string) => (await fetch(`${callback}/authorise?subscriber_id=${subscriberId}&product=${product}`)).json() as Promise<Record<string, any>>;
    const until = async (product: string, expected: Record<string, unknown>, timeoutMs = 5_000) =>
      eventually(async () => {
        const answer = await authorise(product);
        return Object.entries(expected).every(([k, v]) => answer[k] === v) ? answer : undefined;
      }, timeoutMs);
    for (const product of ['mumo', 'kiddle', 'leiturinha']) await until(product, { allowed: true, reason: 'subscribed' });

    // R8: a package outside the locked plan is refused, and the refusal says why.
    const locked = await call(system.urls.subscriptions, 'POST', `/v1/services/${service.id}/packages`, { packageId: kidsAlone.id });
    expect(locked.status).toBe(422);
    expect(locked.body).toMatchObject({ code: 'SUBSCRIPTIONS_PACKAGE_LOCKED_BY_PLAN', rule: 'R8' });
    expect(locked.body.detail).toBe(`package ${kidsAlone.id} ("Kids avulso") is not in plan ${plan.id} ("Fibra 500") and the plan locks packages`);

    // R9: the mandatory package cannot be detached while the plan is in force.
    const mandatory = await call(system.urls.subscriptions, 'DELETE', `/v1/services/${service.id}/packages/${attachmentOf(music.id).id}`);
    expect(mandatory.status).toBe(422);
    expect(mandatory.body).toMatchObject({ code: 'SUBSCRIPTIONS_MANDATORY_PACKAGE', rule: 'R9' });
    expect((await authorise('mumo')).allowed).toBe(true);

    // R11: the clock passes the trial's end; the job closes it on the platform, then removes it.
    clock.advance(7 * DAY_MS + 60_000);
    expect(await until('kiddle', { allowed: false })).toMatchObject({ allowed: false, reason: 'trial_ended' });
    expect(await authorise('mumo')).toMatchObject({ allowed: true, reason: 'subscribed' });
    const explained = await call(system.urls.subscriptions, 'GET', `/v1/subscribers/${subscriberId}/explain?product=kiddle`);
    expect(explained.body).toMatchObject({ allowed: false, answers: [{ reason: 'trial_ended' }] });
    expect(explained.body.summary).toContain('ended on 2026-11-08 (R11)');

    // R12: detaching the optional package takes the product away within a second.
    const detached = await call(system.urls.subscriptions, 'DELETE', `/v1/services/${service.id}/packages/${attachmentOf(reading.id).id}`, undefined, { 'x-actor': 'maria.suporte' });
    expect(detached.status).toBe(204);
    expect(await until('leiturinha', { allowed: false }, 1_000)).toMatchObject({ allowed: false, reason: 'service_cancelled' });

    // The history says who did what.
    const history = await call(system.urls.subscriptions, 'GET', `/v1/customers/${customer.id}/history?limit=100`);
    const actions = history.body.items.map((e: any) => `${e.action}:${e.actor}`);
    expect(actions).toContain('trial_exclusion_queued:system:trial-expiry');
    expect(actions).toContain('trial_platform_closed:system:trial-expiry');
    expect(actions).toContain('package_detached:maria.suporte');
  });
});
