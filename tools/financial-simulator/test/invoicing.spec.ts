import type { BillingLineV1 } from '@sva/contracts';
import { describe, expect, it } from 'vitest';
import { dueDateOf, invoiceIdOf, invoicesOf, issuedFact, LineStreamError, type CustomerInvoice } from '../src/invoicing.ts';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';
let next = 0;

/** A line of 2026-11 for `customerId`; only what invoicing reads matters. */
function line(customerId: string, amountCents: number, billable = true, overrides: Partial<BillingLineV1> = {}): BillingLineV1 {
  next += 1;
  return {
    id: `10000000-0000-4000-8000-${String(next).padStart(12, '0')}`,
    period: '2026-11',
    kind: 'charge',
    customerId,
    customerCode: `C-${customerId.slice(-1)}`,
    serviceId: '20000000-0000-4000-8000-000000000001',
    attachmentId: '30000000-0000-4000-8000-000000000001',
    packageId: '40000000-0000-4000-8000-000000000001',
    packageDescription: 'Música',
    packageVersion: 1,
    integrationProducts: [],
    periodStart: '2026-11-01',
    periodEnd: '2026-11-30',
    days: 30,
    daysInPeriod: 30,
    unitPriceCents: Math.abs(amountCents),
    amountCents: billable ? amountCents : 0,
    billable,
    notBillableReason: billable ? null : 'trial',
    fiscalItems: [],
    consent: null,
    correctsLineId: null,
    correctsPeriod: null,
    ...overrides,
  };
}

const collect = async (lines: BillingLineV1[], dueDays = 10): Promise<CustomerInvoice[]> => {
  const out: CustomerInvoice[] = [];
  for await (const invoice of invoicesOf(lines, { period: '2026-11', dueDays })) out.push(invoice);
  return out;
};

describe('invoicing a closed competência (financial-module simulator)', () => {
  it('when a customer has several billable lines, then one invoice for their sum, and not-billable lines add nothing', async () => {
    const invoices = await collect([line(A, 2_100), line(A, 1_050), line(A, 2_490, false), line(B, 990)]);
    expect(invoices).toEqual([
      { invoiceId: `FIN-2026-11-${A}`, period: '2026-11', customerId: A, customerCode: 'C-a', amountCents: 3_150, billableLines: 2, dueDate: '2026-12-10', outcome: 'invoice' },
      { invoiceId: `FIN-2026-11-${B}`, period: '2026-11', customerId: B, customerCode: 'C-b', amountCents: 990, billableLines: 1, dueDate: '2026-12-10', outcome: 'invoice' },
    ]);
  });

  it('when adjustments credit part of a charge, then the invoice is for the net amount', async () => {
    const [invoice] = await collect([line(A, 1_500), line(A, -1_100, true, { kind: 'adjustment' })]);
    expect(invoice).toMatchObject({ amountCents: 400, billableLines: 2, outcome: 'invoice' });
  });

  it('when a customer has only trial or zero-value lines, then nothing is due; when credits exceed charges, then a credit and no invoice', async () => {
    const invoices = await collect([line(A, 0, false), line(B, 500), line(B, -800, true, { kind: 'adjustment' }), line(C, 700), line(C, -700, true, { kind: 'adjustment' })]);
    expect(invoices.map((i) => [i.customerId, i.outcome, i.amountCents])).toEqual([
      [A, 'nothing_due', 0],
      [B, 'credit', -300],
      [C, 'nothing_due', 0],
    ]);
    expect(() => issuedFact(invoices[1]!, '2026-12-01T03:00:00.000Z')).toThrow(RangeError);
  });

  it('when invoicing the same lines twice, then the same invoice ids and facts (a re-run is harmless)', async () => {
    const lines = [line(A, 2_100), line(B, 990)];
    const first = (await collect(lines)).map((i) => issuedFact(i, '2026-12-01T15:00:00.000Z'));
    const second = (await collect(lines)).map((i) => issuedFact(i, '2026-12-01T15:00:00.000Z'));
    expect(second).toEqual(first);
    expect(first[0]).toEqual({ fact: 'issued', invoiceId: invoiceIdOf('2026-11', A), customerId: A, amountCents: 2_100, dueDate: '2026-12-10', occurredAt: '2026-12-01T15:00:00.000Z' });
    expect(invoiceIdOf('2026-11', A)).not.toBe(invoiceIdOf('2026-12', A));
  });

  it('when lines are of another competência or not ordered by customer, then the run is refused', async () => {
    await expect(collect([line(A, 100, true, { period: '2026-10' })])).rejects.toThrow(LineStreamError);
    await expect(collect([line(B, 100), line(A, 100)])).rejects.toThrow(/not ordered by customer/);
    await expect(collect([line(A, 100), line(B, 100), line(A, 100)])).rejects.toThrow(LineStreamError);
  });

  it('the due date is the configured days after the competência\'s last day', () => {
    expect(dueDateOf('2026-11', 10)).toBe('2026-12-10');
    expect(dueDateOf('2026-11', 0)).toBe('2026-11-30');
    expect(dueDateOf('2026-12', 5)).toBe('2027-01-05');
    expect(dueDateOf('2028-02', 0)).toBe('2028-02-29');
    expect(dueDateOf('2027-01', 31)).toBe('2027-03-03');
    expect(() => dueDateOf('2026-13', 1)).toThrow(RangeError);
    expect(() => dueDateOf('2026-11', -1)).toThrow(RangeError);
  });
});
