import type { Standing } from '@sva/contracts';

/** An invoice as far as standing is concerned. Dates are `YYYY-MM-DD` in the provider's time zone. */
export interface InvoiceFacts {
  readonly id: string;
  readonly dueDate: string;
  readonly status: 'open' | 'paid' | 'cancelled';
}

export interface StandingVerdict {
  readonly standing: Standing;
  /** In words a support agent understands. */
  readonly reason: string;
}

/** `YYYY-MM-DD` plus `days`. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The calendar date of an instant in a time zone, as `YYYY-MM-DD`. */
export function calendarDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/**
 * R16: delinquent when an open invoice is overdue past the grace days (its due date plus the
 * grace days is before today); in good standing when none is.
 */
export function judgeStanding(invoices: readonly InvoiceFacts[], graceDays: number, today: string): StandingVerdict {
  const overdue = invoices
    .filter((invoice) => invoice.status === 'open' && addDays(invoice.dueDate, graceDays) < today)
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  const oldest = overdue[0];
  if (!oldest) return { standing: 'good', reason: 'no invoice overdue past the grace period' };
  const more = overdue.length > 1 ? ` (and ${overdue.length - 1} more)` : '';
  return { standing: 'delinquent', reason: `invoice ${oldest.id} due ${oldest.dueDate} is unpaid past ${graceDays} grace days${more}` };
}
