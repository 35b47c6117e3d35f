import { subjects } from '@sva/contracts';
import { DAY_MS, FixedClock } from '@sva/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.ts';

const setup = async (h: Harness) => {
  const integration = h.catalog.integration();
  await h.catalog.announce(subjects.catalog.integrationChanged, integration);
  const music = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }], { description: 'Música' });
  const router = h.catalog.package([], { description: 'Wi-Fi mesh' });
  const plan = h.catalog.plan([
    { packageId: music.packageId, mandatory: true, trialDays: 7 },
    { packageId: router.packageId, mandatory: false, trialDays: 3 },
  ]);
  return { integration, music, router, plan };
};

const history = async (h: Harness, customerId: string) => (await h.ok('GET', `/v1/customers/${customerId}/history?limit=200`)).items as any[];

/** R11: the trial-expiry job, driven by a fixed clock, through the running service. */
describe('trial expiry (R11), with a fixed clock', () => {
  let h: Harness;
  const clock = new FixedClock('2026-11-01T15:00:00Z');

  beforeAll(async () => {
    h = await startHarness({ clock, trialSweepIntervalMs: 50 });
    console.info(`trials.int.spec on ${h.label}`);
  });
  afterAll(() => h?.stop());

  it('R11: when a trial granting platform products ends, then it is queued for exclusion, closed on the platform (trial_ended), then removed; history kept', async () => {
    const { integration, music, router, plan } = await setup(h);
    const { customerId, serviceId } = await h.customerWithService({ planId: plan.planId });
    const state = async () => (await h.kvRecord(integration.integrationId, customerId))?.grants.find((g) => g.product === 'mumo')?.state;
    await h.eventually(async () => (await state()) === 'active');

    // Day 3 + 1 s: the Wi-Fi trial grants no platform product, so it is removed directly.
    clock.advance(3 * DAY_MS + 1_000);
    await h.eventually(async () => (await history(h, customerId)).some((e) => e.action === 'package_detached' && e.packageId === router.packageId));
    expect((await history(h, customerId)).some((e) => e.action === 'trial_exclusion_queued' && e.packageId === router.packageId)).toBe(false);
    expect(await state()).toBe('active');

    // Day 7 + 1 s: the music trial goes through exclusion.
    clock.advance(4 * DAY_MS);
    await h.eventually(async () => (await history(h, customerId)).some((e) => e.action === 'package_detached' && e.packageId === music.packageId));
    const steps = (await history(h, customerId)).filter((e) => e.packageId === music.packageId).reverse();
    expect(steps.map((e) => [e.action, e.actor])).toEqual([
      ['package_attached', 'api-key'],
      ['trial_exclusion_queued', 'system:trial-expiry'],
      ['trial_platform_closed', 'system:trial-expiry'],
      ['package_detached', 'system:trial-expiry'],
    ]);
    expect(steps[1].reason).toBe(`trial ended on 2026-11-08; grants products on ${integration.integrationId}`);
    expect(steps[2].reason).toMatch(new RegExp(`entitlement published with trial_ended: integration ${integration.integrationId} version \\d+`));
    expect(await h.eventually(async () => ((await state()) === 'trial_ended' ? 'trial_ended' : undefined))).toBe('trial_ended');

    const service = await h.ok('GET', `/v1/services/${serviceId}`);
    expect(service.packages.map((p: any) => [p.packageId, p.detachReason])).toEqual(
      expect.arrayContaining([
        [music.packageId, 'trial_ended'],
        [router.packageId, 'trial_ended'],
      ]),
    );
    const explained = await h.ok('GET', `/v1/customers/${customerId}/explain?product=mumo`);
    expect(explained).toMatchObject({ allowed: false });
    expect(explained.answers.find((a: any) => a.integrationId === integration.integrationId)).toMatchObject({ reason: 'trial_ended', gatewayView: { reason: 'trial_ended' } });
    expect(explained.summary).toContain('ended on 2026-11-08 (R11)');
  });

  it('R11: when a trial has not ended yet, then the job leaves it alone', async () => {
    const { integration, plan } = await setup(h);
    const { customerId } = await h.customerWithService({ planId: plan.planId });
    await h.eventually(async () => (await h.kvRecord(integration.integrationId, customerId))?.grants[0]?.state === 'active');
    // A witness whose trial has already ended: once the job handled it, a pass ran after the clock moved.
    const witness = await h.customerWithService({ planId: h.catalog.plan([{ packageId: h.catalog.package([]).packageId, mandatory: false, trialDays: 1 }]).planId });
    clock.advance(DAY_MS + 1_000);
    await h.eventually(async () => (await history(h, witness.customerId)).some((e) => e.action === 'package_detached'));
    expect((await history(h, customerId)).filter((e) => e.actor === 'system:trial-expiry')).toEqual([]);
  });
});

const noServer = !process.env.DATABASE_URL;

describe.skipIf(noServer)(`trial expiry in several replicas at once (R11)${noServer ? ' — skipped: DATABASE_URL is not set, and replicas need a PostgreSQL server (embedded PGlite serves one connection)' : ''}`, () => {
  let h: Harness | undefined;
  const clock = new FixedClock('2026-11-01T15:00:00Z');

  beforeAll(async () => {
    // Three replicas of the service on one database, each running the job every 20 ms.
    h = await startHarness({ clock, trialSweepIntervalMs: 20, replicas: 2 });
  });
  afterAll(() => h?.stop());

  it('R11: when three replicas run the job on the same expired trials, then each trial is queued, closed and removed exactly once', async () => {
    if (!h) throw new Error('no harness');
    const { music, router, plan } = await setup(h);
    const customers = await Promise.all(Array.from({ length: 12 }, () => h!.customerWithService({ planId: plan.planId })));
    clock.advance(8 * DAY_MS);
    for (const { customerId } of customers) {
      await h.eventually(async () => (await history(h!, customerId)).filter((e) => e.action === 'package_detached').length === 2, 20_000);
    }
    // Let the replicas run more passes over the finished work: a witness expiring later is handled after them.
    const witness = await h.customerWithService({ planId: h.catalog.plan([{ packageId: h.catalog.package([]).packageId, mandatory: false, trialDays: 1 }]).planId });
    clock.advance(2 * DAY_MS);
    await h.eventually(async () => (await history(h!, witness.customerId)).some((e) => e.action === 'package_detached'));
    for (const { customerId } of customers) {
      const entries = await history(h, customerId);
      const count = (action: string, packageId: string) => entries.filter((e) => e.action === action && e.packageId === packageId).length;
      expect([count('trial_exclusion_queued', music.packageId), count('trial_platform_closed', music.packageId), count('package_detached', music.packageId)]).toEqual([1, 1, 1]);
      expect([count('trial_exclusion_queued', router.packageId), count('package_detached', router.packageId)]).toEqual([0, 1]);
    }
  });
});
