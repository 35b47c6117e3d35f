import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { subjects } from '@sva/contracts';
import { pgSqlClient } from '@sva/db';
import { DAY_MS, FixedClock } from '@sva/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.ts';

class TestReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

async function collected(reader: TestReader, name: string): Promise<unknown[]> {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics.filter((m) => m.descriptor.name === name).flatMap((m) => m.dataPoints.map((p) => p.value)));
}

/**
 * R11: a customer whose trial-expiry step throws (here a PostgreSQL trigger refusing its
 * exclusion row) is recorded, retried with backoff and never stops the job for the others.
 */
describe('trial expiry when one customer keeps failing (R11)', () => {
  let h: Harness;
  const clock = new FixedClock('2026-11-01T15:00:00Z');
  const reader = new TestReader();

  beforeAll(async () => {
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    h = await startHarness({ clock, trialSweepIntervalMs: 50 });
    console.info(`trial-failures.int.spec on ${h.label}`);
  });
  afterAll(async () => {
    await h?.stop();
    metrics.disable();
  });

  const failures = async () => (await h.ok('GET', '/v1/trial-expiry/failures')).items as any[];

  it('when one customer’s step throws, then the other trials still end, the failure is recorded (error, attempts, next attempt; API and metrics), retried with doubling backoff, and cleared once it succeeds', async (t) => {
    if (h.databaseSource === 'embedded') t.skip(); // the fault is injected over a second connection
    const integration = h.catalog.integration();
    await h.catalog.announce(subjects.catalog.integrationChanged, integration);
    const music = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }], { description: 'Música' });
    const plan = h.catalog.plan([{ packageId: music.packageId, mandatory: true, trialDays: 7 }]);
    const customers: string[] = [];
    for (let i = 0; i < 6; i += 1) customers.push((await h.customerWithService({ planId: plan.planId })).customerId);
    const state = async (customerId: string) => (await h.kvRecord(integration.integrationId, customerId))?.grants.find((g) => g.product === 'mumo')?.state;
    for (const customerId of customers) await h.eventually(async () => (await state(customerId)) === 'active');

    // The customer with the lowest id is the first the job takes: before the fix it stopped every pass.
    const [failing, ...others] = [...customers].sort() as [string, ...string[]];
    const db = pgSqlClient(h.databaseUrl, 1);
    try {
      await db.$executeRawUnsafe(`CREATE FUNCTION refuse_exclusion() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.customer_id = '${failing}'::uuid THEN RAISE EXCEPTION 'injected fault: exclusion refused'; END IF;
          RETURN NEW;
        END $$`);
      await db.$executeRawUnsafe('CREATE TRIGGER refuse_exclusion BEFORE INSERT ON trial_exclusion FOR EACH ROW EXECUTE FUNCTION refuse_exclusion()');

      clock.advance(7 * DAY_MS + 1_000);
      const failedAt = clock.now().getTime();
      for (const customerId of others) await h.eventually(async () => (await state(customerId)) === 'trial_ended', 20_000);
      const [recorded] = await h.eventually(async () => ((await failures()).length > 0 ? failures() : undefined));
      expect(recorded).toEqual({
        customerId: failing,
        attempts: 1,
        lastError: expect.stringContaining('injected fault: exclusion refused'),
        firstFailedAt: new Date(failedAt).toISOString(),
        lastFailedAt: new Date(failedAt).toISOString(),
        nextAttemptAt: new Date(failedAt + 60_000).toISOString(),
      });
      expect(await state(failing)).toBe('active');
      // While its backoff runs (the clock stands still), passes keep leaving it alone.
      for (let i = 0; i < 10; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 60));
        expect((await failures()).map((f) => f.attempts)).toEqual([1]);
      }

      clock.advance(60_000);
      const retriedAt = clock.now().getTime();
      const [second] = await h.eventually(async () => {
        const list = await failures();
        return list[0]?.attempts === 2 ? list : undefined;
      });
      expect(second).toMatchObject({ firstFailedAt: new Date(failedAt).toISOString(), lastFailedAt: new Date(retriedAt).toISOString(), nextAttemptAt: new Date(retriedAt + 120_000).toISOString() });
      expect(await collected(reader, 'sva.subscriptions.trial_expiry.failures')).toEqual([2]);
      expect(await collected(reader, 'sva.subscriptions.trial_expiry.failing_customers')).toEqual([1]);

      // The cause is repaired: after the backoff the customer's trial ends like the others'.
      await db.$executeRawUnsafe('DROP TRIGGER refuse_exclusion ON trial_exclusion');
      clock.advance(120_000);
      await h.eventually(async () => (await state(failing)) === 'trial_ended', 20_000);
      await h.eventually(async () => (await failures()).length === 0);
      expect(await collected(reader, 'sva.subscriptions.trial_expiry.failing_customers')).toEqual([0]);
    } finally {
      await db.end();
    }
  }, 90_000);
});
