import type { BillingPeriodClosedV1 } from '@sva/contracts';
import { ConflictError, NotFoundError, type Clock } from '@sva/kernel';
import { calendarDateIn, dueDateOf, invoicesOf, issuedFact, type CustomerInvoice } from './invoicing.ts';
import { UpstreamRefusal, type FactOutcome, type InvoiceResource, type PlatformClient } from './services.ts';

export interface FinancialOptions {
  /** Days after the competência's last day an invoice is due (default 10). */
  readonly dueDays?: number;
  /** The provider's time zone, for "today" when an invoice is paid (default America/Sao_Paulo). */
  readonly timeZone?: string;
  /** The clock that dates payments (the embedded system's, so the demo clock moves it too). */
  readonly clock?: Clock;
  /** How many invoice facts are sent at a time (default 4). */
  readonly concurrency?: number;
}

/** Invoices listed in an answer at most; the counts cover all of them. */
export const LISTED_INVOICES = 1_000;

export interface InvoicedInvoice extends CustomerInvoice {
  /** What billing-status did with the `issued` fact: `recorded`, `repeat` (already known: a re-run), or the refusal. */
  readonly fact: 'recorded' | 'repeat' | 'not_sent' | { readonly status: number; readonly code: string; readonly detail: string };
  /** The customer's standing after the fact (R16), when it was sent. */
  readonly standing: 'good' | 'delinquent' | null;
}

export interface InvoiceRun {
  readonly period: string;
  /** The `issued` facts are dated at the close: the same competência always gives the same facts. */
  readonly issuedAt: string;
  readonly dueDate: string;
  readonly customers: number;
  readonly invoices: { readonly issued: number; readonly repeated: number; readonly failed: number; readonly totalCents: number };
  readonly nothingDue: number;
  readonly credits: number;
  readonly items: InvoicedInvoice[];
  readonly truncated: boolean;
}

export interface CloseAndInvoice {
  readonly close: { readonly alreadyClosed: boolean; readonly replayed: boolean; readonly event: BillingPeriodClosedV1 | null };
  readonly invoicing: InvoiceRun;
}

export interface PaymentOutcome {
  readonly invoiceId: string;
  /** False when the invoice was already paid: nothing was sent. */
  readonly sent: boolean;
  readonly invoice: InvoiceResource;
  readonly standing: FactOutcome['standing'] | null;
}

export interface FinancialSimulator {
  /** Invoice a closed competência: one `issued` fact per customer owing something. Harmless to repeat. */
  invoicePeriod(period: string): Promise<InvoiceRun>;
  /** Close the competência in subscriptions (with an Idempotency-Key; already closed is fine), then invoice it. */
  closeAndInvoice(period: string, idempotencyKey?: string): Promise<CloseAndInvoice>;
  /** What invoicing a closed competência issues, without sending anything. */
  preview(period: string): Promise<InvoiceRun>;
  /** Report an invoice paid (`paid` fact), on `paidOn` or today in the provider's time zone. */
  pay(invoiceId: string, paidOn?: string): Promise<PaymentOutcome>;
}

const notClosed = (period: string) =>
  new ConflictError('SIMULATOR_PERIOD_NOT_CLOSED', `competência ${period} is not closed: only a closed month's lines are final and can be invoiced (close it first)`, {
    fields: [{ path: 'period', message: 'not closed' }],
  });

/**
 * The financial module, simulated over the platform's public APIs. It keeps no state of its
 * own: invoice ids are derived from (competência, customer) and `issued` facts are dated at the
 * competência's close, so invoicing again sends the very same facts, which billing-status
 * recognises as repeats (R16 facts are idempotent by invoice, kind and date).
 */
export function createFinancialSimulator(client: PlatformClient, options: FinancialOptions = {}): FinancialSimulator {
  const dueDays = options.dueDays ?? 10;
  const timeZone = options.timeZone ?? 'America/Sao_Paulo';
  const now = () => options.clock?.now() ?? new Date();
  const concurrency = Math.max(1, options.concurrency ?? 4);

  const run = async (period: string, send: boolean): Promise<InvoiceRun> => {
    const summary = await client.period(period);
    if (summary.status !== 'closed' || !summary.closedAt) throw notClosed(period);
    const issuedAt = summary.closedAt;
    const items: InvoicedInvoice[] = [];
    const counts = { customers: 0, issued: 0, repeated: 0, failed: 0, totalCents: 0, nothingDue: 0, credits: 0 };
    let dueDate = '';
    const keep = (item: InvoicedInvoice) => {
      if (items.length < LISTED_INVOICES) items.push(item);
    };
    const issue = async (invoice: CustomerInvoice): Promise<void> => {
      try {
        const outcome = await client.sendFact(issuedFact(invoice, issuedAt));
        if (outcome.recorded) counts.issued += 1;
        else counts.repeated += 1;
        counts.totalCents += invoice.amountCents;
        keep({ ...invoice, fact: outcome.recorded ? 'recorded' : 'repeat', standing: outcome.standing.standing });
      } catch (error) {
        // A refusal (e.g. BILLING_FACT_CONFLICT when the due days changed since the first run) is this invoice's, not the run's.
        if (!(error instanceof UpstreamRefusal)) throw error;
        counts.failed += 1;
        keep({ ...invoice, fact: { status: error.status, code: error.code, detail: error.message }, standing: null });
      }
    };
    const inFlight = new Set<Promise<void>>();
    for await (const invoice of invoicesOf(client.lines(period), { period, dueDays })) {
      counts.customers += 1;
      dueDate = invoice.dueDate;
      if (invoice.outcome === 'nothing_due') counts.nothingDue += 1;
      if (invoice.outcome === 'credit') {
        counts.credits += 1;
        keep({ ...invoice, fact: 'not_sent', standing: null });
      }
      if (invoice.outcome !== 'invoice') continue;
      if (!send) {
        counts.totalCents += invoice.amountCents;
        keep({ ...invoice, fact: 'not_sent', standing: null });
        continue;
      }
      const task = issue(invoice).finally(() => inFlight.delete(task));
      inFlight.add(task);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    return {
      period,
      issuedAt,
      dueDate: dueDate || dueDateOf(period, dueDays),
      customers: counts.customers,
      invoices: { issued: counts.issued, repeated: counts.repeated, failed: counts.failed, totalCents: counts.totalCents },
      nothingDue: counts.nothingDue,
      credits: counts.credits,
      items: items.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0)),
      truncated: counts.customers > items.length && items.length === LISTED_INVOICES,
    };
  };

  return {
    invoicePeriod: (period) => run(period, true),
    preview: (period) => run(period, false),
    async closeAndInvoice(period, idempotencyKey) {
      const closed = await client.close(period, idempotencyKey ?? `financial-simulator-close-${period}`);
      return { close: { alreadyClosed: closed.alreadyClosed, replayed: closed.replayed, event: closed.closed }, invoicing: await run(period, true) };
    },
    async pay(invoiceId, paidOn) {
      const invoice = await client.invoice(invoiceId);
      if (!invoice) throw new NotFoundError('SIMULATOR_INVOICE_NOT_FOUND', `billing-status knows no invoice ${invoiceId}`);
      if (invoice.status === 'paid') return { invoiceId, sent: false, invoice, standing: null };
      if (invoice.status === 'cancelled') throw new ConflictError('SIMULATOR_INVOICE_CANCELLED', `invoice ${invoiceId} is cancelled: there is nothing to pay`, { fields: [{ path: 'invoiceId', message: 'cancelled' }] });
      const at = now();
      const outcome = await client.sendFact({ fact: 'paid', invoiceId, customerId: invoice.customerId, paidOn: paidOn ?? calendarDateIn(at, timeZone), occurredAt: at.toISOString() });
      return { invoiceId, sent: true, invoice: outcome.invoice, standing: outcome.standing };
    },
  };
}
