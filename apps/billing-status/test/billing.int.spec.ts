import { encodeJson } from '@sva/bus';
import { subjects, type InvoiceFactV1, type InvoiceIssuedV1 } from '@sva/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../src/domain/standing.ts';
import { eventually, newCustomer, startBilling, type BillingHarness } from './support.ts';

/**
 * billing-status as a component: its HTTP API, its FINANCE consumer, its scheduler and its
 * outbox, on real PostgreSQL and NATS when the environment provides them (else PGlite and the
 * in-process bus), with a clock the tests move by hand (grace 5 days, evaluation at 06:00 São Paulo).
 */
describe('billing-status: invoice facts, standing and trust unblocks (R16)', () => {
  let h: BillingHarness;
  let seq = 0;

  beforeAll(async () => {
    h = await startBilling();
    console.info(`billing-status on PostgreSQL from ${h.database.source}, with ${h.busLabel}`);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const at = () => new Date(h.clock.now().getTime() + ++seq).toISOString();
  const issued = (customerId: string, invoiceId: string, dueDate: string, amountCents = 9_990): InvoiceIssuedV1 => ({ fact: 'issued', invoiceId, customerId, amountCents, dueDate, occurredAt: at() });
  const paid = (customerId: string, invoiceId: string): InvoiceFactV1 => ({ fact: 'paid', invoiceId, customerId, paidOn: h.today(), occurredAt: at() });
  const report = (fact: InvoiceFactV1) => h.call('POST', '/v1/invoice-facts', fact);
  const standing = async (customerId: string) => (await h.call('GET', `/v1/customers/${customerId}/standing`)).body;
  const eventsOf = (customerId: string) => h.events.filter((event) => event.customerId === customerId);
  const publish = (subject: string, fact: InvoiceFactV1, msgId: string) => h.bus.publish(subject, encodeJson(fact), { msgId });

  it('R16 daily pass with a fake clock: when an invoice crosses its grace date with no new fact, then the scheduled evaluation makes the customer delinquent and announces it, once', async () => {
    const customer = newCustomer();
    const due = h.today();
    const first = await report(issued(customer, `INV-${customer}`, due));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ recorded: true, invoice: { status: 'open', dueDate: due, amountCents: 9_990 }, standing: { standing: 'good', version: 0 } });

    h.advanceDays(5);
    // Day 5 after the due date is the last day of grace: the evaluation runs and changes nothing.
    await eventually(async () => (await h.call('GET', '/v1/daily-evaluations')).body.items.some((run: any) => run.day === h.today() && run.finishedAt));
    expect((await standing(customer)).standing).toBe('good');

    h.advanceDays(1);
    const delinquent = await eventually(async () => {
      const answer = await standing(customer);
      return answer.standing === 'delinquent' ? answer : undefined;
    });
    expect(delinquent).toMatchObject({
      version: 1,
      reason: `invoice INV-${customer} due ${due} is unpaid past 5 grace days`,
      overdueInvoice: { invoiceId: `INV-${customer}`, dueDate: due, amountCents: 9_990, overdueSince: addDays(due, 6) },
      trustUnblock: null,
      since: h.clock.now().toISOString(),
    });
    await eventually(async () => eventsOf(customer).length === 1);
    expect(eventsOf(customer)).toEqual([expect.objectContaining({ customerId: customer, version: 1, standing: 'delinquent' })]);

    const run = (await h.call('GET', '/v1/daily-evaluations')).body.items.find((item: any) => item.day === h.today());
    expect(run).toMatchObject({ trigger: 'schedule', changed: expect.any(Number), finishedAt: expect.any(String) });
    expect(run.changed).toBeGreaterThanOrEqual(1);
  });

  it('R16: when a delinquent customer pays, then they are in good standing at once, with the next version', async () => {
    const customer = newCustomer();
    await report(issued(customer, `OLD-${customer}`, addDays(h.today(), -30)));
    expect((await standing(customer))).toMatchObject({ standing: 'delinquent', version: 1 });
    const outcome = await report(paid(customer, `OLD-${customer}`));
    expect(outcome.body).toMatchObject({ invoice: { status: 'paid' }, standing: { standing: 'good', version: 2, reason: 'no invoice overdue past the 5-day grace period' } });
    await eventually(async () => eventsOf(customer).length === 2);
    expect(eventsOf(customer).map((e) => [e.version, e.standing])).toEqual([[1, 'delinquent'], [2, 'good']]);
  });

  it('R16 out-of-order facts: when a payment arrives on the bus before its invoice, then it is kept and the late invoice never makes the customer delinquent', async () => {
    const customer = newCustomer();
    const invoiceId = `EARLY-${customer}`;
    await publish(subjects.finance.invoicePaid, paid(customer, invoiceId), `m-${invoiceId}-paid`);
    const kept = await eventually(async () => {
      const answer = await h.call('GET', `/v1/invoices/${encodeURIComponent(invoiceId)}`);
      return answer.status === 200 ? answer.body : undefined;
    });
    expect(kept).toMatchObject({ status: 'paid', dueDate: null, facts: [expect.objectContaining({ fact: 'paid', source: 'bus' })] });

    const late = await report(issued(customer, invoiceId, addDays(h.today(), -30)));
    expect(late.body).toMatchObject({ recorded: true, invoice: { status: 'paid', dueDate: addDays(h.today(), -30) }, standing: { standing: 'good', version: 0 } });
    const listed = (await h.call('GET', `/v1/customers/${customer}/invoices`)).body.items;
    expect(listed).toEqual([expect.objectContaining({ id: invoiceId, status: 'paid', amountCents: 9_990, issuedAt: expect.any(String), paidAt: expect.any(String) })]);
  });

  it('R16 out-of-order facts: when a cancellation arrives before the invoice, then the invoice stays cancelled and never counts', async () => {
    const customer = newCustomer();
    const invoiceId = `CANC-${customer}`;
    await report({ fact: 'cancelled', invoiceId, customerId: customer, occurredAt: at() });
    const late = await report(issued(customer, invoiceId, addDays(h.today(), -30)));
    expect(late.body).toMatchObject({ invoice: { status: 'cancelled' }, standing: { standing: 'good' } });
    const movedBack = await report({ fact: 'due_date_changed', invoiceId, customerId: customer, dueDate: addDays(h.today(), -60), occurredAt: at() });
    expect(movedBack.body).toMatchObject({ invoice: { status: 'cancelled', dueDate: addDays(h.today(), -60) }, standing: { standing: 'good' } });
  });

  it('R16 redelivered facts: when the same fact comes again over HTTP and the bus, then it is applied once and announced once; a different fact with the same identity is refused', async () => {
    const customer = newCustomer();
    const fact = issued(customer, `DUP-${customer}`, addDays(h.today(), -30));
    expect((await report(fact)).body).toMatchObject({ recorded: true, standing: { standing: 'delinquent', version: 1 } });
    expect((await report(fact)).body).toMatchObject({ recorded: false, standing: { standing: 'delinquent', version: 1 } });
    await publish(subjects.finance.invoiceIssued, fact, `m-${customer}-1`);
    await publish(subjects.finance.invoiceIssued, fact, `m-${customer}-2`);
    // A later fact on the bus is a marker: once it is applied, the redeliveries before it were handled.
    const marker = issued(customer, `MARK-${customer}`, addDays(h.today(), 10));
    await publish(subjects.finance.invoiceIssued, marker, `m-${customer}-3`);
    await eventually(async () => (await h.call('GET', `/v1/invoices/MARK-${customer}`)).status === 200);
    await eventually(async () => eventsOf(customer).length === 1);
    expect((await standing(customer)).version).toBe(1);
    const invoice = (await h.call('GET', `/v1/invoices/DUP-${customer}`)).body;
    expect(invoice.facts).toHaveLength(1);

    const conflicting = await report({ ...fact, amountCents: 1 });
    expect(conflicting.status).toBe(409);
    expect(conflicting.body).toMatchObject({ code: 'BILLING_FACT_CONFLICT', errors: [expect.objectContaining({ path: 'occurredAt' })] });
  });

  it('when a fact names another customer than its invoice has, or is malformed, then it is refused with a problem naming the field', async () => {
    const customer = newCustomer();
    await report(issued(customer, `MINE-${customer}`, h.today()));
    const other = await report({ ...paid(newCustomer(), `MINE-${customer}`) });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ code: 'BILLING_INVOICE_OTHER_CUSTOMER', errors: [{ path: 'customerId' }] });
    const malformed = await h.call('POST', '/v1/invoice-facts', { fact: 'issued', invoiceId: 'X', customerId: customer, amountCents: -1, occurredAt: at() });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('HTTP_VALIDATION_FAILED');
    expect(malformed.body.errors.map((e: any) => e.path)).toEqual(expect.arrayContaining(['body.amountCents', 'body.dueDate']));
  });

  it('R16 trust unblock expiry: when a delinquent customer is granted N days, then they count as good until then, and are delinquent again when the days run out unpaid, with no manual step', async () => {
    const customer = newCustomer();
    await report(issued(customer, `TRUST-${customer}`, addDays(h.today(), -30)));
    expect((await standing(customer)).standing).toBe('delinquent');

    const tooLong = await h.call('POST', `/v1/customers/${customer}/trust-unblocks`, { days: 8 });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body).toMatchObject({ code: 'BILLING_TRUST_UNBLOCK_TOO_LONG', rule: 'R16', errors: [{ path: 'days' }] });

    const granted = await h.call('POST', `/v1/customers/${customer}/trust-unblocks`, { days: 2, note: 'promised to pay on Friday' });
    expect(granted.status).toBe(201);
    const until = new Date(h.clock.now().getTime() + 2 * 86_400_000).toISOString();
    expect(granted.body).toMatchObject({ days: 2, until, invoiceId: `TRUST-${customer}`, endedAt: null });
    expect(await standing(customer)).toMatchObject({ standing: 'good', version: 2, trustUnblock: { id: granted.body.id, until }, overdueInvoice: { invoiceId: `TRUST-${customer}` } });
    const again = await h.call('POST', `/v1/customers/${customer}/trust-unblocks`, { days: 1 });
    expect(again.body.code).toBe('BILLING_TRUST_UNBLOCK_ACTIVE');

    h.clock.set(new Date(Date.parse(until) - 60_000));
    await new Promise((resolve) => setTimeout(resolve, 200)); // several scheduler ticks: still covered
    expect((await standing(customer)).standing).toBe('good');
    h.clock.set(until);
    const expired = await eventually(async () => {
      const answer = await standing(customer);
      return answer.standing === 'delinquent' ? answer : undefined;
    });
    expect(expired).toMatchObject({ version: 3, trustUnblock: null });
    await eventually(async () => eventsOf(customer).length === 3);
    expect(eventsOf(customer).map((e) => e.standing)).toEqual(['delinquent', 'good', 'delinquent']);
    const history = (await h.call('GET', `/v1/customers/${customer}/trust-unblocks`)).body.items;
    expect(history).toEqual([expect.objectContaining({ id: granted.body.id, endReason: 'expired', endedAt: until, note: 'promised to pay on Friday' })]);
  });

  it('R16 trust unblock: when the customer pays during it, then it ends as settled and they stay in good standing without a new announcement', async () => {
    const customer = newCustomer();
    await report(issued(customer, `PAYS-${customer}`, addDays(h.today(), -30)));
    const granted = await h.call('POST', `/v1/customers/${customer}/trust-unblocks`, { days: 3 });
    expect(granted.status).toBe(201);
    const outcome = await report(paid(customer, `PAYS-${customer}`));
    expect(outcome.body.standing).toMatchObject({ standing: 'good', version: 2 });
    const history = (await h.call('GET', `/v1/customers/${customer}/trust-unblocks`)).body.items;
    expect(history[0]).toMatchObject({ endReason: 'settled' });
    const notDelinquent = await h.call('POST', `/v1/customers/${customer}/trust-unblocks`, { days: 1 });
    expect(notDelinquent.status).toBe(409);
    expect(notDelinquent.body).toMatchObject({ code: 'BILLING_CUSTOMER_NOT_DELINQUENT', rule: 'R16' });
  });

  it('R16 settings: when an operator saves a longer grace period and runs the evaluation, then customers no longer past it are in good standing again', async () => {
    const defaults = await h.call('GET', '/v1/settings');
    expect(defaults.body).toMatchObject({ source: 'defaults', graceDays: 5, maxTrustUnblockDays: 7, dailyEvaluationTime: '06:00', timeZone: 'America/Sao_Paulo', version: 0 });
    const invalid = await h.call('PUT', '/v1/settings', { graceDays: -1, maxTrustUnblockDays: 7, dailyEvaluationTime: '25:00', timeZone: 'Mars/Olympus' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((e: any) => e.path)).toEqual(expect.arrayContaining(['body.graceDays', 'body.dailyEvaluationTime', 'body.timeZone']));

    const customer = newCustomer();
    await report(issued(customer, `GRACE-${customer}`, addDays(h.today(), -8)));
    expect((await standing(customer)).standing).toBe('delinquent');
    const saved = await h.call('PUT', '/v1/settings', { graceDays: 10, maxTrustUnblockDays: 7, dailyEvaluationTime: '06:00', timeZone: 'America/Sao_Paulo' });
    expect(saved.body).toMatchObject({ source: 'stored', graceDays: 10, version: 1 });
    const started = await h.call('POST', '/v1/daily-evaluations');
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ trigger: 'operator', day: h.today(), finishedAt: null });
    const run = await eventually(async () => {
      const found = (await h.call('GET', `/v1/daily-evaluations/${h.today()}`)).body;
      return found.finishedAt ? found : undefined;
    });
    expect(run).toMatchObject({ trigger: 'operator', changed: expect.any(Number), batches: expect.any(Number), candidatesMs: expect.any(Number) });
    expect(run.changed).toBeGreaterThanOrEqual(1);
    expect(await standing(customer)).toMatchObject({ standing: 'good', reason: 'no invoice overdue past the 10-day grace period', version: 2 });
    await h.call('PUT', '/v1/settings', { graceDays: 5, maxTrustUnblockDays: 7, dailyEvaluationTime: '06:00', timeZone: 'America/Sao_Paulo' });
  });

  it('when the OpenAPI document is asked for, then it describes the billing API', async () => {
    const document = (await (await fetch(`${h.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/invoice-facts', '/v1/customers/{id}/standing', '/v1/customers/{id}/trust-unblocks', '/v1/settings', '/v1/daily-evaluations', '/v1/daily-evaluations/{day}']),
    );
  });

  it('R16: when a customer was never reported, then they are in good standing with nothing to explain', async () => {
    const customer = newCustomer();
    expect(await standing(customer)).toEqual({
      customerId: customer,
      standing: 'good',
      reason: 'no invoice overdue past the 5-day grace period',
      since: null,
      version: 0,
      overdueInvoice: null,
      trustUnblock: null,
      updatedAt: null,
    });
  });
});

// Two replicas need two connections, which embedded PGlite does not serve.
describe.skipIf(!process.env.DATABASE_URL)(`billing-status on several replicas${process.env.DATABASE_URL ? '' : ' (skipped: DATABASE_URL is not set; embedded PGlite serves one connection)'}`, () => {
  let h: BillingHarness;
  beforeAll(async () => {
    h = await startBilling();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('R16 daily pass on several replicas: when two replicas\' schedulers find the day due, then one runs it and each change is announced once', async () => {
    await h.startReplica();
    const customers = Array.from({ length: 7 }, () => newCustomer());
    for (const customer of customers) await h.call('POST', '/v1/invoice-facts', { fact: 'issued', invoiceId: `REP-${customer}`, customerId: customer, amountCents: 100, dueDate: h.today(), occurredAt: h.clock.now().toISOString() });
    h.advanceDays(6);
    const run = await eventually(async () => {
      const found = (await h.call('GET', '/v1/daily-evaluations')).body.items.find((item: any) => item.day === h.today());
      return found?.finishedAt ? found : undefined;
    });
    await eventually(async () => customers.every((customer) => h.events.filter((e) => e.customerId === customer).length === 1));
    // More ticks on both replicas change nothing.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(customers.flatMap((customer) => h.events.filter((e) => e.customerId === customer)).map((e) => [e.version, e.standing])).toEqual(customers.map(() => [1, 'delinquent']));
    expect(run.changed).toBe(customers.length);
    expect((await h.call('GET', '/v1/daily-evaluations')).body.items.find((item: any) => item.day === h.today())).toEqual(run);
  });

});
