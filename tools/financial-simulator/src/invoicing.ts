import type { BillingLineV1, InvoiceIssuedV1 } from '@sva/contracts';

/**
 * The financial module's invoicing, as the simulator plays it: one invoice per customer per
 * closed competência, for the sum of the customer's billable lines (charges and adjustments).
 * Pure: lines in, invoices out.
 */

/** What one customer's lines of a competência come to. */
export interface CustomerInvoice {
  /** Deterministic (`FIN-<period>-<customer id>`): invoicing the same competência again names the same invoice. */
  readonly invoiceId: string;
  readonly period: string;
  readonly customerId: string;
  readonly customerCode: string | null;
  /** The sum of the billable lines; negative when adjustments credit more than is charged. */
  readonly amountCents: number;
  readonly billableLines: number;
  /** `YYYY-MM-DD`. */
  readonly dueDate: string;
  /**
   * `invoice`: an invoice is issued for `amountCents` (> 0). `nothing_due`: no billable line, or
   * they add up to zero. `credit`: the lines add up to a credit; no invoice is issued (the real
   * module carries it to the next one; the simulator only reports it).
   */
  readonly outcome: 'invoice' | 'nothing_due' | 'credit';
}

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The invoice id of a customer's competência: the same inputs always give the same id. */
export function invoiceIdOf(period: string, customerId: string): string {
  return `FIN-${period}-${customerId}`;
}

/** The due date: `dueDays` days after the competência's last day. */
export function dueDateOf(period: string, dueDays: number): string {
  const match = PERIOD.exec(period);
  if (!match) throw new RangeError(`not a YYYY-MM competência: ${period}`);
  if (!Number.isInteger(dueDays) || dueDays < 0) throw new RangeError(`due days must be a whole number ≥ 0, got ${dueDays}`);
  // Day 0 of the next month is the last day of this one; dates are calendar dates (UTC arithmetic, no time zone).
  return new Date(Date.UTC(Number(match[1]), Number(match[2]), dueDays)).toISOString().slice(0, 10);
}

/** The line stream was not what the export promises (one competência, ordered by customer). */
export class LineStreamError extends Error {
  override readonly name = 'LineStreamError';
}

/**
 * Group a competência's lines, in the export's order (by customer, then line id), into one
 * `CustomerInvoice` per customer, in constant memory: a customer's invoice is yielded as soon
 * as the next customer's first line arrives. Lines of another competência, or a customer seen
 * again after another one, are refused (`LineStreamError`): summing them would bill wrongly.
 */
export async function* invoicesOf(lines: AsyncIterable<BillingLineV1> | Iterable<BillingLineV1>, options: { period: string; dueDays: number }): AsyncGenerator<CustomerInvoice> {
  const dueDate = dueDateOf(options.period, options.dueDays);
  const done = new Set<string>();
  let current: { customerId: string; customerCode: string | null; amountCents: number; billableLines: number } | null = null;
  const finish = (c: NonNullable<typeof current>): CustomerInvoice => ({
    invoiceId: invoiceIdOf(options.period, c.customerId),
    period: options.period,
    customerId: c.customerId,
    customerCode: c.customerCode,
    amountCents: c.amountCents,
    billableLines: c.billableLines,
    dueDate,
    outcome: c.amountCents > 0 ? 'invoice' : c.amountCents < 0 ? 'credit' : 'nothing_due',
  });
  for await (const line of lines) {
    if (line.period !== options.period) throw new LineStreamError(`line ${line.id} is of competência ${line.period}, not ${options.period}`);
    if (current === null || current.customerId !== line.customerId) {
      if (current !== null) {
        // Ids compared as the export orders them; a repeat of a finished customer is caught either way.
        if (line.customerId < current.customerId || done.has(line.customerId)) throw new LineStreamError(`lines are not ordered by customer: ${line.customerId} after ${current.customerId}`);
        done.add(current.customerId);
        yield finish(current);
      }
      current = { customerId: line.customerId, customerCode: line.customerCode, amountCents: 0, billableLines: 0 };
    }
    if (line.billable) {
      current.amountCents += line.amountCents;
      current.billableLines += 1;
    }
  }
  if (current !== null) yield finish(current);
}

/** The `issued` fact of an invoice (billing-status's contract, `finance.invoice.issued.v1`), dated `occurredAt`. */
export function issuedFact(invoice: CustomerInvoice, occurredAt: string): InvoiceIssuedV1 {
  if (invoice.outcome !== 'invoice') throw new RangeError(`invoice ${invoice.invoiceId} has nothing to charge (${invoice.outcome})`);
  return { fact: 'issued', invoiceId: invoice.invoiceId, customerId: invoice.customerId, amountCents: invoice.amountCents, dueDate: invoice.dueDate, occurredAt };
}

/** `YYYY-MM-DD` of an instant in a time zone. */
export function calendarDateIn(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}
