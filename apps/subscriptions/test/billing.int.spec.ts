import { randomUUID } from 'node:crypto';
import type { Bus } from '@sva/bus';
import { BillingLineV1, streams, subjects } from '@sva/contracts';
import { FixedClock } from '@sva/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { consent } from './support/consent.ts';
import { API_KEY, startHarness, type Harness } from './support/harness.ts';

/** The line messages on the bus (each delivery once, by msgId), waiting until `count` arrived. */
async function linesOnBus(bus: Bus, count: number, timeoutMs = 20_000): Promise<Map<string, BillingLineV1>> {
  const seen = new Map<string, BillingLineV1>();
  let done!: () => void;
  const arrived = new Promise<void>((resolve) => (done = resolve));
  const consumer = await bus.consume({ stream: streams.subscriptions.name, durable: `lines-${randomUUID().slice(0, 8)}`, filterSubject: subjects.subscriptions.billingLineClosed }, async (delivery) => {
    seen.set(delivery.msgId ?? '', BillingLineV1.parse(JSON.parse(new TextDecoder().decode(delivery.data))));
    await delivery.ack();
    if (seen.size >= count) done();
  });
  const timer = setTimeout(done, timeoutMs);
  await arrived;
  clearTimeout(timer);
  await consumer.stop();
  return seen;
}

/**
 * Billing lines per competência (R18–R20) through the HTTP API, on real PostgreSQL and NATS (or
 * the embedded equivalents): preview, close, refusals, export, a customer's charges, and the
 * adjustment a later change to a closed month produces. Needs a PostgreSQL server (DATABASE_URL):
 * the test opens its own connection to make a data correction, which embedded PGlite (one
 * connection) cannot serve beside the service.
 */
describe.runIf(process.env['DATABASE_URL'])('billing lines (R18–R20), through the HTTP API', () => {
  let h: Harness;
  let db: pg.Client;
  const clock = new FixedClock('2026-11-10T15:00:00Z'); // 10 November, 12:00 in São Paulo

  beforeAll(async () => {
    h = await startHarness({ clock });
    db = new pg.Client({ connectionString: h.databaseUrl });
    await db.connect();
    console.info(`billing.int.spec on ${h.label}`);
  });
  afterAll(async () => {
    await db?.end();
    await h?.stop();
  });

  /** A competência's export, as text (the CSV's byte-order mark kept). */
  async function exportText(period: string, format: 'csv' | 'ndjson'): Promise<string> {
    const response = await fetch(`${h.url}/v1/billing/periods/${period}/export?format=${format}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(response.status).toBe(200);
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
  }

  it('R18, R19, R20: when a month with a mid-month attach, a price override and a benefit is closed, then its lines are final, announced, exported, and a later change becomes an adjustment next month', async () => {
    const integration = h.catalog.integration();
    await h.catalog.announce(subjects.catalog.integrationChanged, integration);
    const grants = (code: string) => [{ integrationId: integration.integrationId, productCodes: [code] }];
    const music = h.catalog.package(grants('mumo'), {
      description: 'Música',
      priceCents: 3_000,
      fiscalComposition: [{ kind: 'scm', serviceCode: '0105', amountCents: 1_200 }, { kind: 'sva', serviceCode: '1.09', amountCents: 1_800 }],
    });
    // A description a spreadsheet could take for a formula, with the CSV's separator, quotes and a line break.
    const kids = h.catalog.package(grants('kiddle'), { description: '=Kids; "mais"\nlinha 2', priceCents: 2_000 });
    const benefit = h.catalog.package(grants('leiturinha'), { description: 'Leitura (benefício)', priceCents: 0 });
    const { customerId, serviceId } = await h.customerWithService({}, { code: 'C-77' });
    const attached = await h.ok('POST', `/v1/services/${serviceId}/packages`, { packageId: music.packageId, consent });
    await h.ok('POST', `/v1/services/${serviceId}/packages`, { packageId: kids.packageId, priceCents: 1_500, consent });
    await h.ok('POST', `/v1/services/${serviceId}/packages`, { packageId: benefit.packageId });

    // Open month: a preview. 10 → 30 November is 21 of 30 days.
    const preview = await h.ok('GET', `/v1/billing/lines?period=2026-11&customerId=${customerId}`);
    const byPackage = (items: any[], id: string) => items.filter((l) => l.packageId === id);
    expect(byPackage(preview.items, music.packageId)).toMatchObject([
      { kind: 'charge', customerCode: 'C-77', days: 21, unitPriceCents: 3_000, amountCents: 2_100, billable: true, consent: { source: 'customer', channel: 'in_person', reference: 'test-contract' } },
    ]);
    expect(byPackage(preview.items, music.packageId)[0].fiscalItems).toEqual([
      { kind: 'scm', serviceCode: '0105', amountCents: 840 },
      { kind: 'sva', serviceCode: '1.09', amountCents: 1_260 },
    ]);
    expect(byPackage(preview.items, kids.packageId)).toMatchObject([{ unitPriceCents: 1_500, amountCents: 1_050, billable: true }]);
    expect(byPackage(preview.items, benefit.packageId)).toMatchObject([{ amountCents: 0, billable: false, notBillableReason: 'zero_value', consent: null }]);
    expect((await h.ok('GET', `/v1/billing/lines?period=2026-11&customerId=${customerId}&billable=false`)).items).toHaveLength(1);
    const firstPage = await h.ok('GET', `/v1/billing/lines?period=2026-11&customerId=${customerId}&limit=2`);
    const secondPage = await h.ok('GET', `/v1/billing/lines?period=2026-11&customerId=${customerId}&limit=2&cursor=${firstPage.nextCursor}`);
    expect([...firstPage.items, ...secondPage.items].map((l: any) => l.id)).toEqual(preview.items.map((l: any) => l.id));
    expect(secondPage.nextCursor).toBeNull();

    // A month that has not ended cannot be closed.
    clock.set('2026-12-02T15:00:00Z');
    const previewCsv = await exportText('2026-11', 'csv');
    expect((await h.call('POST', '/v1/billing/periods/2026-12/close')).body).toMatchObject({ status: 409, code: 'SUBSCRIPTIONS_BILLING_PERIOD_NOT_ENDED' });
    expect((await h.call('POST', '/v1/billing/periods/2026-13/close')).status).toBe(400);

    // Close, idempotently: accepted (202, closing), then the job closes it.
    const openTotals = (await h.ok('GET', '/v1/billing/periods/2026-11')).totals;
    const accepted = await h.call('POST', '/v1/billing/periods/2026-11/close', undefined, { 'idempotency-key': 'close-2026-11' });
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('location')).toBe('/v1/billing/periods/2026-11');
    expect(accepted.body).toMatchObject({ period: '2026-11', status: 'closing', requestedAt: '2026-12-02T15:00:00.000Z', closedAt: null });
    const replayed = await h.call('POST', '/v1/billing/periods/2026-11/close', undefined, { 'idempotency-key': 'close-2026-11' });
    expect(replayed.body).toEqual(accepted.body);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    const closed = await h.eventually(async () => {
      const period = await h.ok('GET', '/v1/billing/periods/2026-11');
      return period.status === 'closed' && period;
    });
    expect(closed.totals).toEqual({
      lines: 3,
      billableLines: 2,
      billableCents: 3_150,
      byFiscalCode: [{ kind: 'scm', serviceCode: '0105', amountCents: 840 }, { kind: 'sva', serviceCode: '1.09', amountCents: 2_310 }],
    });
    expect(closed.totals).toEqual(openTotals);
    expect((await h.call('POST', '/v1/billing/periods/2026-11/close')).body).toMatchObject({ status: 409, code: 'SUBSCRIPTIONS_BILLING_PERIOD_CLOSED' });
    const sent = async (subject: string) => Number((await db.query('SELECT count(*) AS n FROM outbox_message WHERE destination = $1', [subject])).rows[0].n);
    expect(await sent(subjects.subscriptions.billingPeriodClosed)).toBe(1);
    // The lines go on the bus from billing_line, each with its id as msgId: the preview's lines, field for field.
    const onBus = await linesOnBus(h.bus, 3);
    expect([...onBus.keys()].sort()).toEqual(preview.items.map((l: any) => l.id).sort());
    for (const line of preview.items) expect(onBus.get(line.id)).toEqual(line);
    await h.eventually(async () => (await db.query("SELECT lines_published FROM billing_period WHERE period = '2026-11'")).rows[0].lines_published);

    // The closed lines keep their ids, amounts, and are exported.
    const final = await h.ok('GET', `/v1/billing/lines?period=2026-11&customerId=${customerId}`);
    expect(final.items.map((l: any) => [l.id, l.amountCents])).toEqual(preview.items.map((l: any) => [l.id, l.amountCents]));
    const ndjson = await fetch(`${h.url}/v1/billing/periods/2026-11/export?format=ndjson`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(ndjson.headers.get('content-type')).toContain('application/x-ndjson');
    const exported = (await ndjson.text()).trim().split('\n').map((line) => JSON.parse(line));
    const byId = (a: any, b: any) => (a.id < b.id ? -1 : 1);
    // The closed month's export is written by PostgreSQL: the very lines the preview computed, field for field.
    expect([...exported].sort(byId)).toEqual([...preview.items].sort(byId));
    expect([...final.items].sort(byId)).toEqual([...preview.items].sort(byId));
    // The closed month's CSV is written by PostgreSQL too: byte for byte the preview's, which this service wrote.
    const csv = await exportText('2026-11', 'csv');
    expect(csv).toBe(previewCsv);
    expect(csv.startsWith('\ufeffline_id;period;kind;customer_id;')).toBe(true);
    expect(csv).toContain(';30,00;21,00;true;;scm:0105=8,40|sva:1.09=12,60;customer;in_person;');
    expect(csv).toContain(`;"'=Kids; ""mais""\nlinha 2";`);
    expect(csv.trimEnd().split(/\n(?!linha 2)/)).toHaveLength(4);

    // A detach back-dated into the closed month (an operator's data correction): the closed line
    // stays, and December gets a credit naming it (10 → 19 November: 10 days = 1000, billed 2100).
    await db.query("UPDATE service_package SET detached_at = '2026-11-20T15:00:00Z', detach_reason = 'detached' WHERE id = $1", [attached.id]);
    const musicLine = byPackage(final.items, music.packageId)[0];
    expect(byPackage((await h.ok('GET', `/v1/billing/lines?period=2026-11&customerId=${customerId}`)).items, music.packageId)[0].amountCents).toBe(2_100);
    const december = await h.ok('GET', `/v1/customers/${customerId}/charges?period=2026-12`);
    expect(december.items.filter((l: any) => l.kind === 'adjustment')).toMatchObject([
      { period: '2026-12', amountCents: -1_100, correctsLineId: musicLine.id, correctsPeriod: '2026-11', fiscalItems: [{ amountCents: -440 }, { amountCents: -660 }] },
    ]);
    expect(byPackage(december.items, music.packageId).filter((l: any) => l.kind === 'charge')).toEqual([]);
    expect(december.totals.billableCents).toBe(1_500 - 1_100);
    // Closed, December's credit is exported as the preview showed it: a negative amount stays a number.
    clock.set('2027-01-02T15:00:00Z');
    const decemberCsv = await exportText('2026-12', 'csv');
    const decemberNdjson = await exportText('2026-12', 'ndjson');
    await h.ok('POST', '/v1/billing/periods/2026-12/close');
    await h.eventually(async () => (await h.ok('GET', '/v1/billing/periods/2026-12')).status === 'closed');
    expect(await exportText('2026-12', 'csv')).toBe(decemberCsv);
    expect(decemberCsv).toContain(';30,00;-11,00;true;;scm:0105=-4,40|sva:1.09=-6,60;');
    const parsed = (text: string) => text.trim().split('\n').map((line) => JSON.parse(line));
    expect(parsed(await exportText('2026-12', 'ndjson'))).toEqual(parsed(decemberNdjson));
    expect((await h.call('GET', `/v1/customers/00000000-0000-4000-8000-000000000001/charges?period=2026-12`)).status).toBe(404);
  });
});

describe.runIf(process.env['DATABASE_URL'])('the close job (R20), in steps, on two replicas', () => {
  let h: Harness;
  const clock = new FixedClock('2026-11-10T15:00:00Z');

  beforeAll(async () => {
    h = await startHarness({ clock, replicas: 1, closeBatchSize: 1 });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('R20: when two replicas run the close one customer a step, then each line is written once, put on the bus with its id as msgId, and the totals are the preview\'s', async () => {
    const integration = h.catalog.integration();
    await h.catalog.announce(subjects.catalog.integrationChanged, integration);
    const music = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }], { description: 'Música', priceCents: 3_000 });
    for (let i = 0; i < 6; i += 1) {
      const { serviceId } = await h.customerWithService();
      await h.ok('POST', `/v1/services/${serviceId}/packages`, { packageId: music.packageId, priceCents: 1_000 + i, consent });
    }
    clock.set('2026-12-02T15:00:00Z');
    const preview = await h.ok('GET', '/v1/billing/periods/2026-11');
    const previewIds: string[] = [];
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const page: any = await h.ok('GET', `/v1/billing/lines?period=2026-11&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      previewIds.push(...page.items.map((l: any) => l.id));
      cursor = page.nextCursor;
    }
    expect(previewIds.length).toBeGreaterThanOrEqual(6);

    // Both replicas are asked at once (each kicks its own job): both accept the one close.
    const [a, b] = await Promise.all(h.urls.map((base) => h.call('POST', '/v1/billing/periods/2026-11/close', undefined, {}, base)));
    expect([a!.status, b!.status]).toEqual([202, 202]);
    const closed = await h.eventually(async () => {
      const period = await h.ok('GET', '/v1/billing/periods/2026-11');
      return period.status === 'closed' && period;
    }, 30_000);
    expect(closed.totals).toEqual(preview.totals);

    const db = new pg.Client({ connectionString: h.databaseUrl });
    await db.connect();
    try {
      const lines = await db.query("SELECT id::text FROM billing_line WHERE period = '2026-11' ORDER BY id");
      expect(lines.rows.map((r) => r.id)).toEqual([...previewIds].sort());
      expect([...(await linesOnBus(h.bus, previewIds.length)).keys()].sort()).toEqual([...previewIds].sort());
      const periodEvents = await db.query('SELECT count(*)::int AS n FROM outbox_message WHERE destination = $1', [subjects.subscriptions.billingPeriodClosed]);
      expect(periodEvents.rows[0].n).toBe(1);
    } finally {
      await db.end();
    }
  });
});
