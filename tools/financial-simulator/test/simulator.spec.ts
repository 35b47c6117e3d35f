import type { BillingLineV1, InvoiceFactV1 } from '@sva/contracts';
import { FixedClock } from '@sva/kernel';
import { describe, expect, it } from 'vitest';
import { parseCommand, requestOf, UsageError } from '../src/cli.ts';
import { UpstreamRefusal, type FactOutcome, type InvoiceResource, type PlatformClient, type PeriodResource } from '../src/services.ts';
import { createFinancialSimulator } from '../src/simulator.ts';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

const line = (customerId: string, id: string, amountCents: number, billable = true): BillingLineV1 => ({
  id, period: '2026-11', kind: 'charge', customerId, customerCode: null, serviceId: A, attachmentId: A, packageId: A, packageDescription: 'P', packageVersion: 1,
  integrationProducts: [], periodStart: '2026-11-01', periodEnd: '2026-11-30', days: 30, daysInPeriod: 30, unitPriceCents: amountCents, amountCents,
  billable, notBillableReason: billable ? null : 'zero_value', fiscalItems: [], consent: null, correctsLineId: null, correctsPeriod: null,
});

/**
 * An in-memory stand-in for the two services' HTTP APIs, keeping what billing-status would: facts
 * are idempotent by (invoice, kind, occurredAt), as there. (The real services are exercised by
 * tools/embedded/test/billing-loop.int.spec.ts.)
 */
function platform(status: 'open' | 'closed', lines: BillingLineV1[]) {
  const facts = new Map<string, InvoiceFactV1>();
  const invoices = new Map<string, InvoiceResource>();
  const closes: string[] = [];
  let periodStatus = status;
  const client: PlatformClient = {
    async period(period): Promise<PeriodResource> {
      return { period, status: periodStatus, closedAt: periodStatus === 'closed' ? '2026-12-01T15:00:00.000Z' : null, closedBy: null, totals: { lines: 0, billableLines: 0, billableCents: 0, byFiscalCode: [] } };
    },
    async close(period, key) {
      closes.push(key);
      if (periodStatus === 'closed') return { closed: null, alreadyClosed: true, replayed: false };
      periodStatus = 'closed';
      return { closed: { period, closedAt: '2026-12-01T15:00:00.000Z', closedBy: 'test', totals: { lines: 0, billableLines: 0, billableCents: 0, byFiscalCode: [] } }, alreadyClosed: false, replayed: false };
    },
    async *lines() {
      yield* lines;
    },
    async sendFact(fact): Promise<FactOutcome> {
      const key = `${fact.invoiceId}|${fact.fact}|${fact.occurredAt}`;
      const seen = facts.get(key);
      if (seen && JSON.stringify(seen) !== JSON.stringify(fact)) throw new UpstreamRefusal('billing-status', 409, 'BILLING_FACT_CONFLICT', 'conflict', []);
      facts.set(key, fact);
      const before = invoices.get(fact.invoiceId);
      const invoice: InvoiceResource = fact.fact === 'issued'
        ? { id: fact.invoiceId, customerId: fact.customerId, status: before?.status === 'paid' ? 'paid' : 'open', amountCents: fact.amountCents, dueDate: fact.dueDate, paidOn: before?.paidOn ?? null }
        : { ...before!, status: 'paid', paidOn: fact.fact === 'paid' ? fact.paidOn : null };
      invoices.set(fact.invoiceId, invoice);
      return { recorded: !seen, invoice, standing: { customerId: fact.customerId, standing: 'good', reason: 'ok' } };
    },
    async invoice(id) {
      return invoices.get(id) ?? null;
    },
  };
  return { client, facts, closes };
}

describe('the financial-module simulator', () => {
  const lines = [line(A, '10000000-0000-4000-8000-000000000001', 2_000), line(A, '10000000-0000-4000-8000-000000000002', 0, false), line(B, '10000000-0000-4000-8000-000000000003', 990)];

  it('when a month is closed and invoiced twice, then each customer gets one invoice, and the second run sends the same facts (repeats)', async () => {
    const p = platform('open', lines);
    const simulator = createFinancialSimulator(p.client, { dueDays: 5 });
    const first = await simulator.closeAndInvoice('2026-11');
    expect(first.close.alreadyClosed).toBe(false);
    expect(first.invoicing).toMatchObject({ period: '2026-11', issuedAt: '2026-12-01T15:00:00.000Z', dueDate: '2026-12-05', customers: 2, invoices: { issued: 2, repeated: 0, failed: 0, totalCents: 2_990 } });
    expect(first.invoicing.items.map((i) => [i.invoiceId, i.amountCents, i.fact])).toEqual([[`FIN-2026-11-${A}`, 2_000, 'recorded'], [`FIN-2026-11-${B}`, 990, 'recorded']]);
    const second = await simulator.closeAndInvoice('2026-11');
    expect(second.close.alreadyClosed).toBe(true);
    expect(second.invoicing.invoices).toEqual({ issued: 0, repeated: 2, failed: 0, totalCents: 2_990 });
    expect(p.facts.size).toBe(2);
    expect(p.closes).toEqual(['financial-simulator-close-2026-11', 'financial-simulator-close-2026-11']);
  });

  it('when the due days change after a month was invoiced, then billing-status\'s refusal is reported per invoice, not hidden', async () => {
    const p = platform('closed', lines);
    await createFinancialSimulator(p.client, { dueDays: 5 }).invoicePeriod('2026-11');
    const rerun = await createFinancialSimulator(p.client, { dueDays: 7 }).invoicePeriod('2026-11');
    expect(rerun.invoices).toMatchObject({ issued: 0, failed: 2 });
    expect(rerun.items[0]!.fact).toMatchObject({ status: 409, code: 'BILLING_FACT_CONFLICT' });
  });

  it('when the month is open, then invoicing is refused (SIMULATOR_PERIOD_NOT_CLOSED) and nothing is sent', async () => {
    const p = platform('open', lines);
    await expect(createFinancialSimulator(p.client).invoicePeriod('2026-11')).rejects.toMatchObject({ status: 409, code: 'SIMULATOR_PERIOD_NOT_CLOSED' });
    expect(p.facts.size).toBe(0);
  });

  it('when an invoice is paid, then a paid fact dated today in the provider\'s time zone; paying again sends nothing', async () => {
    const p = platform('closed', lines);
    const clock = new FixedClock('2026-12-12T02:00:00Z'); // 11 December, 23:00 in São Paulo
    const simulator = createFinancialSimulator(p.client, { clock });
    await simulator.invoicePeriod('2026-11');
    const paid = await simulator.pay(`FIN-2026-11-${A}`);
    expect(paid).toMatchObject({ sent: true, invoice: { status: 'paid', paidOn: '2026-12-11' } });
    expect([...p.facts.values()].find((f) => f.fact === 'paid')).toEqual({ fact: 'paid', invoiceId: `FIN-2026-11-${A}`, customerId: A, paidOn: '2026-12-11', occurredAt: '2026-12-12T02:00:00.000Z' });
    expect(await simulator.pay(`FIN-2026-11-${A}`)).toMatchObject({ sent: false });
    await expect(simulator.pay('FIN-unknown')).rejects.toMatchObject({ status: 404, code: 'SIMULATOR_INVOICE_NOT_FOUND' });
  });

  it('the CLI reads its commands and turns them into control API calls', () => {
    expect(requestOf(parseCommand(['close-and-invoice', '2026-11']) as never)).toEqual({ method: 'POST', path: '/v1/periods/2026-11/close-and-invoice', headers: {} });
    expect(requestOf(parseCommand(['pay', 'FIN-2026-11-x', '--on', '2026-12-11']) as never)).toEqual({ method: 'POST', path: '/v1/invoices/FIN-2026-11-x/pay', headers: {}, body: { paidOn: '2026-12-11' } });
    expect(parseCommand(['serve', '--port', '0'], { SUBSCRIPTIONS_URL: 'http://a', BILLING_URL: 'http://b' })).toMatchObject({ kind: 'serve', port: 0, dueDays: 10 });
    expect(() => parseCommand(['invoice', '2026-13'])).toThrow(UsageError);
    expect(() => parseCommand(['serve'])).toThrow(/--subscriptions-url/);
    expect(() => parseCommand(['bill', '2026-11'])).toThrow(/unknown command/);
  });
});
