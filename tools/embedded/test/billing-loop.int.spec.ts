import { neoAuthorise, neoIdentify } from '@sva/neo-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoClock } from '../src/demo-clock.ts';
import { eventually, startSystemUnderTest, type SystemUnderTest } from './support/system-under-test.ts';

const TIME_ZONE = 'America/Sao_Paulo';
const MINUTE_MS = 60_000;
const localDate = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(at);
const nextMonth = (period: string) => {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
};
const daysIn = (period: string) => {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
};
/** R18's proration, half up: price × days / days in month. */
const prorated = (priceCents: number, days: number, monthDays: number) => Math.floor((2 * priceCents * days + monthDays) / (2 * monthDays));

/**
 * Issue 14, close the loop, on the embedded system as `npm start` runs it (real PostgreSQL and
 * NATS when DATABASE_URL / NATS_URL are set), its time moved by the demo clock: a customer's month
 * with a mid-month attach, a trial, a price override and a benefit → close the competência →
 * its lines → the financial-module simulator invoices it → the invoice goes overdue past grace →
 * NEO is denied (R17) → the payment → allowed again.
 */
describe('the billing loop: lines → invoice → standing → NEO (R11, R16–R20)', () => {
  const demo = createDemoClock();
  let sut: SystemUnderTest;
  beforeAll(async () => {
    sut = await startSystemUnderTest('billing loop', {
      demoClock: demo,
      financialSimulator: true,
      env: {
        ...process.env,
        BILLING_GRACE_DAYS: '2',
        BILLING_DAILY_EVALUATION_TIME: '00:00',
        FINANCIAL_DUE_DAYS: '5',
        SUBSCRIPTIONS_BILLING_DAILY_PRORATION: 'true',
        GATEWAY_DENY_TTL_SECONDS: '9',
      },
    });
  });
  afterAll(() => sut?.stop());

  it('closes a month, invoices it, and the unpaid invoice suspends access until it is paid', async () => {
    const { urls } = sut.system;
    expect(urls.financial).toBeDefined();
    const advance = (by: Record<string, number>) => sut.advanceClock(by);
    const control = (method: string, path: string, body?: unknown) => sut.controlSimulator(method, path, body);

    // Day 1 of next month, 12:00 in São Paulo: the competência under test is that month.
    const now = demo.clock.now();
    const period = nextMonth(localDate(now).slice(0, 7));
    const firstDay = new Date(`${period}-01T15:00:00Z`); // 12:00 in São Paulo (UTC−3, no DST)
    await advance({ minutes: Math.ceil((firstDay.getTime() - now.getTime()) / MINUTE_MS) });
    expect(localDate(demo.clock.now())).toBe(`${period}-01`);
    const monthDays = daysIn(period);

    // NEO with five products; five packages; a plan with music (mandatory) and cinema as a 7-day trial.
    expect((await control('POST', '/products', { code: 'cinemark', name: 'Cinema em casa' })).status).toBe(201);
    expect((await control('POST', '/products', { code: 'jogos', name: 'Jogos' })).status).toBe(201);
    const integration = await sut.created(urls.catalog, '/v1/integrations', { description: 'NEO', loginField: 'cpf_cnpj', syncSubscriptionStatus: true, platform: sut.platform() });
    expect((await sut.call(urls.catalog, 'POST', `/v1/integrations/${integration.id}/sync`)).status).toBe(200);
    const grant = (code: string) => [{ integrationId: integration.id, productCodes: [code] }];
    const music = await sut.created(urls.catalog, '/v1/packages', {
      description: 'Música',
      priceCents: 1_990,
      composition: [{ kind: 'scm', serviceCode: '0105', share: { percent: 40 } }, { kind: 'sva', serviceCode: '1.09', share: { percent: 60 } }],
      grants: grant('mumo'),
    });
    const cinema = await sut.created(urls.catalog, '/v1/packages', { description: 'Cinema', priceCents: 2_490, grants: grant('cinemark') });
    const games = await sut.created(urls.catalog, '/v1/packages', { description: 'Jogos', priceCents: 1_000, grants: grant('jogos') });
    const kids = await sut.created(urls.catalog, '/v1/packages', { description: 'Kids', priceCents: 2_000, grants: grant('kiddle') });
    const benefit = await sut.created(urls.catalog, '/v1/packages', { description: 'Leitura (benefício)', priceCents: 0, grants: grant('leiturinha') });
    const plan = await sut.created(urls.catalog, '/v1/plans', {
      name: '300 Mega',
      downloadMbps: 300,
      uploadMbps: 150,
      priceCents: 9_990,
      packages: [
        { packageId: music.id, mandatory: true, trialDays: 0 },
        { packageId: cinema.id, mandatory: false, trialDays: 7 },
      ],
    });

    // The customer: the plan's packages on day 1, games at a price of their own (R7), the benefit.
    const customer = await sut.created(urls.subscriptions, '/v1/customers', { name: 'Maria Souza', document: '529.982.247-25', code: 'C-900' });
    const service = await eventually(async () => {
      const answer = await sut.call(urls.subscriptions, 'POST', `/v1/customers/${customer.id}/services`, { planId: plan.id, status: 'enabled', authLogin: 'maria.souza', authPassword: 'pppoe-senha' });
      return answer.status === 201 ? answer.body : undefined; // the plan reaches subscriptions through the bus
    }, 10_000);
    const consent = { channel: 'phone', at: demo.clock.now().toISOString(), by: 'atendente 12', reference: 'call-4711' } as const;
    const attach = (body: Record<string, unknown>) =>
      eventually(async () => {
        const answer = await sut.call(urls.subscriptions, 'POST', `/v1/services/${service.id}/packages`, body);
        return answer.status === 201 ? answer.body : undefined; // the package reaches subscriptions through the bus
      }, 10_000);
    // Without consent a paid extra is refused (R19), naming the field.
    const unconsented = await eventually(async () => {
      const answer = await sut.call(urls.subscriptions, 'POST', `/v1/services/${service.id}/packages`, { packageId: games.id, priceCents: 800 });
      return answer.status === 400 ? answer : undefined;
    }, 10_000);
    expect(JSON.stringify(unconsented.body.errors)).toContain('consent');
    await attach({ packageId: games.id, priceCents: 800, consent });
    await attach({ packageId: benefit.id });

    // NEO identifies the user by CPF (R13); music is allowed.
    const identified = await eventually(async () => {
      const answer = await neoIdentify(integration.callbackUrl, '529.982.247-25', '529.982.247-25');
      return (answer.body as { identified?: boolean }).identified ? answer : undefined;
    }, 10_000);
    const subscriberId = (identified.body as { subscriber_id: string }).subscriber_id;
    const authorise = async (product: string) => (await neoAuthorise(integration.callbackUrl, subscriberId, product)).body as Record<string, unknown>;
    const until = (product: string, reason: string) =>
      eventually(async () => {
        const answer = await authorise(product);
        return answer.reason === reason ? answer : undefined;
      }, 10_000);
    expect(await until('mumo', 'subscribed')).toMatchObject({ allowed: true });

    // Day 8: the cinema trial ends (R11). Day 11: kids is attached, mid-month.
    await advance({ days: 7 });
    expect(await until('cinemark', 'trial_ended')).toMatchObject({ allowed: false });
    await advance({ days: 3 });
    expect(localDate(demo.clock.now())).toBe(`${period}-11`);
    await attach({ packageId: kids.id, consent });

    // The month cannot be closed while it runs.
    const early = await fetch(`${urls.financial}/v1/periods/${period}/close-and-invoice`, { method: 'POST', headers: { authorization: `Bearer ${sut.apiKey}` } });
    expect(early.status).toBe(409);
    expect(((await early.json()) as { code: string }).code).toBe('SUBSCRIPTIONS_BILLING_PERIOD_NOT_ENDED');

    // Day 1 of the next month: close the month and invoice it (the simulator's control API, as `npm run financial -- close-and-invoice`).
    const after = nextMonth(period);
    await advance({ minutes: Math.ceil((new Date(`${after}-01T15:00:00Z`).getTime() - demo.clock.now().getTime()) / MINUTE_MS) });
    expect(localDate(demo.clock.now())).toBe(`${after}-01`);
    const kidsDays = monthDays - 10;
    const kidsCents = prorated(2_000, kidsDays, monthDays);
    const owed = 1_990 + 800 + kidsCents;
    const run = await sut.call(urls.financial!, 'POST', `/v1/periods/${period}/close-and-invoice`, undefined, { 'idempotency-key': `close-${period}` });
    expect(run.status).toBe(200);
    expect(run.body.close).toMatchObject({ alreadyClosed: false, event: { period, totals: { lines: 5, billableLines: 3, billableCents: owed } } });

    // The lines: final, one per package and reason, fiscal items adding up to each amount.
    const charges = await sut.call(urls.subscriptions, 'GET', `/v1/customers/${customer.id}/charges?period=${period}`);
    expect(charges.status).toBe(200);
    const of = (pkg: Record<string, any>) => charges.body.items.filter((line: { packageId: string }) => line.packageId === pkg.id);
    const lastDay = `${period}-${String(monthDays).padStart(2, '0')}`;
    expect(of(music)).toMatchObject([
      { customerCode: 'C-900', periodStart: `${period}-01`, periodEnd: lastDay, days: monthDays, unitPriceCents: 1_990, amountCents: 1_990, billable: true, consent: { source: 'plan_contract' } },
    ]);
    expect(of(music)[0].fiscalItems).toEqual([{ kind: 'scm', serviceCode: '0105', amountCents: 796 }, { kind: 'sva', serviceCode: '1.09', amountCents: 1_194 }]);
    expect(of(cinema)).toMatchObject([{ periodStart: `${period}-01`, periodEnd: `${period}-07`, days: 7, amountCents: 0, billable: false, notBillableReason: 'trial' }]);
    expect(of(games)).toMatchObject([{ days: monthDays, unitPriceCents: 800, amountCents: 800, billable: true, consent: { source: 'customer', channel: 'phone', reference: 'call-4711' } }]);
    expect(of(kids)).toMatchObject([{ periodStart: `${period}-11`, periodEnd: lastDay, days: kidsDays, unitPriceCents: 2_000, amountCents: kidsCents, billable: true }]);
    expect(of(benefit)).toMatchObject([{ days: monthDays, amountCents: 0, billable: false, notBillableReason: 'zero_value', consent: null }]);
    for (const line of charges.body.items) expect(line.fiscalItems.reduce((sum: number, item: { amountCents: number }) => sum + item.amountCents, 0)).toBe(line.amountCents);
    expect(charges.body.totals.billableCents).toBe(owed);

    // One invoice for the billable lines, due 5 days after the month.
    const invoiceId = `FIN-${period}-${customer.id}`;
    const dueDate = `${after}-05`;
    expect(run.body.invoicing).toMatchObject({ period, dueDate, customers: 1, invoices: { issued: 1, repeated: 0, failed: 0, totalCents: owed } });
    expect(run.body.invoicing.items).toMatchObject([{ invoiceId, customerId: customer.id, amountCents: owed, billableLines: 3, outcome: 'invoice', fact: 'recorded', standing: 'good' }]);
    expect((await sut.call(urls.billing, 'GET', `/v1/invoices/${invoiceId}`)).body).toMatchObject({ status: 'open', amountCents: owed, dueDate });
    // Again: the close is replayed and the facts are repeats, nothing changes.
    const again = await sut.call(urls.financial!, 'POST', `/v1/periods/${period}/close-and-invoice`, undefined, { 'idempotency-key': `close-${period}` });
    expect(again.body.close).toMatchObject({ replayed: true });
    expect(again.body.invoicing.invoices).toEqual({ issued: 0, repeated: 1, failed: 0, totalCents: owed });
    expect((await sut.call(urls.billing, 'GET', `/v1/invoices/${invoiceId}`)).body.facts).toHaveLength(1);

    // Day 7: due on the 5th, 2 grace days: still allowed. Day 8: delinquent, NEO denied (R16, R17).
    await advance({ days: 6 });
    expect(localDate(demo.clock.now())).toBe(`${after}-07`);
    expect(await authorise('mumo')).toMatchObject({ allowed: true });
    await advance({ days: 1 });
    expect(await until('mumo', 'service_suspended_debt')).toMatchObject({ allowed: false });
    expect((await sut.call(urls.billing, 'GET', `/v1/customers/${customer.id}/standing`)).body).toMatchObject({ standing: 'delinquent' });

    // The customer pays (the simulator's `pay`): good standing, NEO allowed again.
    const paid = await sut.call(urls.financial!, 'POST', `/v1/invoices/${invoiceId}/pay`);
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ sent: true, invoice: { status: 'paid', paidOn: `${after}-08` }, standing: { standing: 'good' } });
    expect(await until('mumo', 'subscribed')).toMatchObject({ allowed: true });
    expect((await sut.call(urls.financial!, 'POST', `/v1/invoices/${invoiceId}/pay`)).body).toMatchObject({ sent: false });
  });
});
