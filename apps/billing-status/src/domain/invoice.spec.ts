import type { InvoiceFactV1 } from '@sva/contracts';
import { describe, expect, it } from 'vitest';
import { applyFact, invoiceStatus, normaliseFact, sameFact, type InvoiceState } from './invoice.ts';

const customerId = '0b5f2f6e-58f4-4f1c-9d35-4c4c0c4b7a01';
const issued = (dueDate: string, occurredAt: string, amountCents = 9_990): InvoiceFactV1 => ({ fact: 'issued', invoiceId: 'INV-1', customerId, amountCents, dueDate, occurredAt });
const paid = (occurredAt: string): InvoiceFactV1 => ({ fact: 'paid', invoiceId: 'INV-1', customerId, paidOn: occurredAt.slice(0, 10), occurredAt });
const cancelled = (occurredAt: string): InvoiceFactV1 => ({ fact: 'cancelled', invoiceId: 'INV-1', customerId, occurredAt });
const moved = (dueDate: string, occurredAt: string): InvoiceFactV1 => ({ fact: 'due_date_changed', invoiceId: 'INV-1', customerId, dueDate, occurredAt });

const fold = (facts: readonly InvoiceFactV1[]) => facts.reduce<InvoiceState | null>((state, fact) => applyFact(state, fact), null)!;

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('invoice facts in any order (R16 inputs)', () => {
  it('R16 out-of-order facts: when a payment arrives before its invoice, then it is kept, and the invoice is paid, never open, once issued', () => {
    const early = applyFact(null, paid('2026-11-10T12:00:00Z'));
    expect(early).toMatchObject({ paidOn: '2026-11-10', dueDate: null, issuedAt: null });
    expect(invoiceStatus(applyFact(null, moved('2026-11-20', '2026-10-25T00:00:00Z')))).toBe('awaiting_issue');
    const state = applyFact(early, issued('2026-11-05', '2026-10-20T12:00:00Z'));
    expect(invoiceStatus(state)).toBe('paid');
    expect(state).toMatchObject({ dueDate: '2026-11-05', amountCents: 9_990, paidOn: '2026-11-10' });
  });

  it('R16 out-of-order facts: when a cancellation arrives before the issue (or the payment), then the invoice stays cancelled', () => {
    expect(invoiceStatus(fold([cancelled('2026-11-02T00:00:00Z'), issued('2026-11-05', '2026-10-20T00:00:00Z')]))).toBe('cancelled');
    expect(invoiceStatus(fold([issued('2026-11-05', '2026-10-20T00:00:00Z'), cancelled('2026-11-02T00:00:00Z'), paid('2026-11-03T00:00:00Z')]))).toBe('cancelled');
  });

  it('R16 out-of-order facts: when the same facts arrive in every possible order, then the invoice ends in the same state', () => {
    const facts = [
      issued('2026-11-05', '2026-10-20T00:00:00Z', 9_990),
      moved('2026-11-15', '2026-10-25T00:00:00Z'),
      issued('2026-11-07', '2026-10-22T00:00:00Z', 12_000),
      paid('2026-11-14T00:00:00Z'),
    ];
    const states = permutations(facts).map(fold);
    for (const state of states) expect(state).toEqual(states[0]);
    expect(states[0]).toMatchObject({ dueDate: '2026-11-15', amountCents: 12_000, paidOn: '2026-11-14' });
    expect(invoiceStatus(states[0]!)).toBe('paid');
  });

  it('when a due-date change and a re-issue happened at the same instant, then the change wins whichever arrives first', () => {
    const at = '2026-10-25T00:00:00Z';
    expect(fold([issued('2026-11-05', at), moved('2026-11-20', at)]).dueDate).toBe('2026-11-20');
    expect(fold([moved('2026-11-20', at), issued('2026-11-05', at)]).dueDate).toBe('2026-11-20');
  });

  it('when a fact names another customer than the invoice has, then it is refused with BILLING_INVOICE_OTHER_CUSTOMER', () => {
    const state = fold([issued('2026-11-05', '2026-10-20T00:00:00Z')]);
    expect(() => applyFact(state, { ...paid('2026-11-10T00:00:00Z'), customerId: '7d7b1f9c-2f5e-4d6a-8b71-1f0e6f7f3a10' })).toThrow(
      expect.objectContaining({ code: 'BILLING_INVOICE_OTHER_CUSTOMER', status: 409 }),
    );
  });

  it('when a fact is redelivered with its time written differently, then it is recognised as the same fact', () => {
    const a = normaliseFact(paid('2026-11-10T12:00:00Z'));
    const b = normaliseFact({ ...paid('2026-11-10T12:00:00Z'), occurredAt: '2026-11-10T09:00:00.000-03:00' });
    expect(sameFact(a, b)).toBe(true);
    expect(sameFact(a, { ...a, paidOn: '2026-11-11' })).toBe(false);
  });
});
