import { subjects } from '@sva/contracts';
import { FixedClock } from '@sva/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { consent } from './support/consent.ts';
import { startHarness, type Harness } from './support/harness.ts';

/**
 * R19's report: billable lines without consent, i.e. paid packages attached before consent was
 * recorded. Such rows cannot be made through today's API (it refuses a paid attach without
 * consent), so the test writes one as the code before the feature left it: an attachment whose
 * consent columns are empty. Needs a PostgreSQL server (DATABASE_URL) for its own connection.
 */
describe.runIf(process.env['DATABASE_URL'])('billable lines without consent (R19 report), through the HTTP API', () => {
  let h: Harness;
  let db: pg.Client;
  const clock = new FixedClock('2026-11-10T15:00:00Z');

  beforeAll(async () => {
    h = await startHarness({ clock });
    db = new pg.Client({ connectionString: h.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await h?.stop();
  });

  it('R19: when paid attachments from before consent exist, then the report lists exactly their billable lines, open and closed, and refuses bad input', async () => {
    const integration = h.catalog.integration();
    await h.catalog.announce(subjects.catalog.integrationChanged, integration);
    const grants = (code: string) => [{ integrationId: integration.integrationId, productCodes: [code] }];
    const music = h.catalog.package(grants('mumo'), { description: 'Música', priceCents: 3_000 });
    const kids = h.catalog.package(grants('kiddle'), { description: 'Kids', priceCents: 2_000 });
    const cinema = h.catalog.package(grants('cinemark'), { description: 'Cinema', priceCents: 2_490 });
    const benefit = h.catalog.package(grants('leiturinha'), { description: 'Leitura (benefício)', priceCents: 0 });
    const plan = h.catalog.plan([{ packageId: music.packageId, mandatory: true, trialDays: 0 }]);

    // Two customers: the plan's mandatory music (the plan contract's consent), kids with consent,
    // a benefit (free), and cinema attached before consent was recorded.
    const preFeature = async (serviceId: string) => {
      const attached = await h.ok('POST', `/v1/services/${serviceId}/packages`, { packageId: cinema.packageId, consent });
      // As the code before R19 wrote it: no consent columns.
      await db.query('UPDATE service_package SET consent_source = NULL, consent_channel = NULL, consent_at = NULL, consent_by = NULL, consent_reference = NULL WHERE id = $1', [attached.id]);
      return attached.id as string;
    };
    const customers = [];
    for (const code of ['C-1', 'C-2']) {
      const { customerId, serviceId } = await h.customerWithService({ planId: plan.planId }, { code });
      await h.ok('POST', `/v1/services/${serviceId}/packages`, { packageId: kids.packageId, consent });
      await h.ok('POST', `/v1/services/${serviceId}/packages`, { packageId: benefit.packageId });
      customers.push({ customerId, legacy: await preFeature(serviceId) });
    }
    const legacyIds = customers.map((c) => c.legacy).sort();

    // The open month: a preview of the lines, each customer's cinema only.
    const all = await h.ok('GET', '/v1/billing/lines?period=2026-11');
    expect(all.items.filter((l: any) => l.billable && l.consent === null).map((l: any) => l.attachmentId).sort()).toEqual(legacyIds);
    const report = await h.ok('GET', '/v1/billing/reports/unconsented?period=2026-11');
    expect(report.period).toBe('2026-11');
    expect(report.items.map((l: any) => l.attachmentId).sort()).toEqual(legacyIds);
    expect(report.items).toMatchObject([
      { packageId: cinema.packageId, billable: true, consent: null, unitPriceCents: 2_490, days: 21, amountCents: 1_743 },
      { packageId: cinema.packageId, billable: true, consent: null },
    ]);
    expect(report.nextCursor).toBeNull();

    // One customer's, and page by page.
    const one = await h.ok('GET', `/v1/billing/reports/unconsented?period=2026-11&customerId=${customers[0]!.customerId}`);
    expect(one.items.map((l: any) => l.attachmentId)).toEqual([customers[0]!.legacy]);
    const first = await h.ok('GET', '/v1/billing/reports/unconsented?period=2026-11&limit=1');
    const second = await h.ok('GET', `/v1/billing/reports/unconsented?period=2026-11&limit=1&cursor=${first.nextCursor}`);
    expect([...first.items, ...second.items].map((l: any) => l.id)).toEqual(report.items.map((l: any) => l.id));
    expect(second.nextCursor).toBeNull();

    // Closed: the stored lines keep no consent, and the report reads them.
    clock.set('2026-12-02T15:00:00Z');
    await h.ok('POST', '/v1/billing/periods/2026-11/close');
    await h.eventually(async () => (await h.ok('GET', '/v1/billing/periods/2026-11')).status === 'closed');
    const closed = await h.ok('GET', '/v1/billing/reports/unconsented?period=2026-11');
    expect(closed.items.map((l: any) => l.id)).toEqual(report.items.map((l: any) => l.id));

    // Bad input: a problem naming the field, never a 500.
    const bad = await h.call('GET', '/v1/billing/reports/unconsented?period=2026-13');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('period');
    expect((await h.call('GET', '/v1/billing/reports/unconsented?period=2026-11&cursor=not-a-cursor')).status).toBe(400);
    expect((await h.call('GET', '/v1/billing/reports/unconsented?period=2026-11&limit=0')).status).toBe(400);
  });
});
