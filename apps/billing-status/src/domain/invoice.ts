import type { InvoiceFactV1 } from '@sva/contracts';
import { invoiceOfOtherCustomer } from './errors.ts';

/**
 * Where an invoice stands, by precedence: `cancelled` > `paid` > `open` > `awaiting_issue`.
 * `awaiting_issue` is an invoice known only from a payment, cancellation or due-date change that
 * arrived before its `issued` fact. Only `open` invoices count towards delinquency (R16).
 */
export type InvoiceStatus = 'awaiting_issue' | 'open' | 'paid' | 'cancelled';

/**
 * An invoice folded from its facts. Each attribute keeps the value of the latest fact (by
 * `occurredAt`) that sets it, and the status is derived, so folding the same facts in any order
 * gives the same state: out-of-order delivery needs no special case.
 */
export interface InvoiceState {
  readonly id: string;
  readonly customerId: string;
  readonly amountCents: number | null;
  /** `YYYY-MM-DD`. */
  readonly dueDate: string | null;
  /** When the fact that set `dueDate` happened. */
  readonly dueDateSetAt: Date | null;
  /** When the latest `issued` fact happened (it set `amountCents`). */
  readonly issuedAt: Date | null;
  readonly paidOn: string | null;
  readonly paidAt: Date | null;
  readonly cancelledAt: Date | null;
}

/**
 * The identity of a fact: invoice, kind, and when it happened (to the millisecond). The same fact
 * delivered twice (an HTTP retry, a bus redelivery, both channels) is recognised by it.
 */
export function factKey(fact: InvoiceFactV1): { invoiceId: string; fact: InvoiceFactV1['fact']; occurredAt: Date } {
  return { invoiceId: fact.invoiceId, fact: fact.fact, occurredAt: new Date(fact.occurredAt) };
}

/** The fact as stored: `occurredAt` normalised so that equal instants compare equal. */
export function normaliseFact(fact: InvoiceFactV1): InvoiceFactV1 {
  return { ...fact, occurredAt: new Date(fact.occurredAt).toISOString() };
}

/** Whether two facts with the same key say the same thing (a redelivery) or not (a conflict). */
export function sameFact(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const later = (candidate: Date, current: Date | null) => current === null || candidate.getTime() > current.getTime();

/**
 * Fold one fact into an invoice (R16 inputs). Precedence, whatever the arrival order:
 * - amount: the latest `issued` fact;
 * - due date: the latest `issued` or `due_date_changed` fact (a change wins a tie with an issue);
 * - paid: the latest `paid` fact; cancelled: the earliest `cancelled` fact;
 * - a cancelled invoice stays cancelled even if `issued` or `paid` arrives later; a paid one is
 *   never open again, even if `issued` arrives after the payment.
 * An invoice belongs to the customer of its first fact; a fact naming another is refused.
 */
export function applyFact(state: InvoiceState | null, fact: InvoiceFactV1): InvoiceState {
  if (state && state.customerId !== fact.customerId) throw invoiceOfOtherCustomer(fact.invoiceId);
  const current: InvoiceState = state ?? {
    id: fact.invoiceId,
    customerId: fact.customerId,
    amountCents: null,
    dueDate: null,
    dueDateSetAt: null,
    issuedAt: null,
    paidOn: null,
    paidAt: null,
    cancelledAt: null,
  };
  const at = new Date(fact.occurredAt);
  switch (fact.fact) {
    case 'issued': {
      const next = later(at, current.issuedAt) ? { ...current, issuedAt: at, amountCents: fact.amountCents } : current;
      return later(at, current.dueDateSetAt) ? { ...next, dueDate: fact.dueDate, dueDateSetAt: at } : next;
    }
    case 'due_date_changed':
      return current.dueDateSetAt === null || at.getTime() >= current.dueDateSetAt.getTime() ? { ...current, dueDate: fact.dueDate, dueDateSetAt: at } : current;
    case 'paid':
      return later(at, current.paidAt) ? { ...current, paidOn: fact.paidOn, paidAt: at } : current;
    case 'cancelled':
      return current.cancelledAt === null || at.getTime() < current.cancelledAt.getTime() ? { ...current, cancelledAt: at } : current;
  }
}

/** The status an invoice's facts add up to (see `InvoiceStatus`). */
export function invoiceStatus(state: InvoiceState): InvoiceStatus {
  if (state.cancelledAt) return 'cancelled';
  if (state.paidAt) return 'paid';
  if (state.issuedAt && state.dueDate) return 'open';
  return 'awaiting_issue';
}
