import { subjects, type Standing, type StandingChangedV1 } from '@sva/contracts';
import { ConflictError } from '@sva/kernel';
import { enqueue } from '@sva/outbox';
import type { BillingContext, Tx } from '../context.ts';
import { calendarDate, judgeStanding, type InvoiceFacts } from '../domain/standing.ts';

/** A fact about an invoice, as the provider's financial system reports it. */
export type InvoiceFact =
  | { readonly fact: 'issued'; readonly invoiceId: string; readonly customerId: string; readonly amountCents: number; readonly dueDate: string }
  | { readonly fact: 'paid'; readonly invoiceId: string; readonly customerId: string; readonly paidOn: string }
  | { readonly fact: 'cancelled'; readonly invoiceId: string; readonly customerId: string };

export interface StandingAnswer {
  readonly customerId: string;
  readonly standing: Standing;
  readonly reason: string;
  readonly since: string | null;
}

const toDate = (day: string) => new Date(`${day}T00:00:00Z`);
const fromDate = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Record an invoice fact and re-judge the customer's standing (R16). A change of standing is
 * written with its event in the same transaction. Repeating a fact changes nothing.
 */
export async function recordInvoiceFact(ctx: BillingContext, fact: InvoiceFact): Promise<StandingAnswer> {
  return ctx.transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${fact.customerId}))`;
    const existing = await tx.invoice.findUnique({ where: { id: fact.invoiceId } });
    if (existing && existing.customerId !== fact.customerId) {
      throw new ConflictError('BILLING_INVOICE_OTHER_CUSTOMER', `invoice ${fact.invoiceId} belongs to another customer`, {
        fields: [{ path: 'customerId', message: 'does not match the invoice' }],
      });
    }
    if (fact.fact === 'issued') {
      const data = { customerId: fact.customerId, amountCents: fact.amountCents, dueDate: toDate(fact.dueDate) };
      if (!existing) await tx.invoice.create({ data: { id: fact.invoiceId, status: 'open', ...data } });
      else if (existing.status === 'open') await tx.invoice.update({ where: { id: fact.invoiceId }, data });
    } else {
      if (!existing) {
        throw new ConflictError('BILLING_INVOICE_UNKNOWN', `invoice ${fact.invoiceId} was never issued`, {
          fields: [{ path: 'invoiceId', message: 'no issued invoice with this id' }],
        });
      }
      const data = fact.fact === 'paid' ? { status: 'paid', paidOn: toDate(fact.paidOn) } : { status: 'cancelled' };
      await tx.invoice.update({ where: { id: fact.invoiceId }, data });
    }
    return judge(tx, ctx, fact.customerId);
  });
}

/** Re-judge a customer's standing and announce it when it changed. Call under the customer's lock. */
async function judge(tx: Tx, ctx: BillingContext, customerId: string): Promise<StandingAnswer> {
  const now = ctx.clock.now();
  const rows = await tx.invoice.findMany({ where: { customerId } });
  const invoices: InvoiceFacts[] = rows.map((row) => ({ id: row.id, dueDate: fromDate(row.dueDate), status: row.status as InvoiceFacts['status'] }));
  const verdict = judgeStanding(invoices, ctx.graceDays, calendarDate(now, ctx.timeZone));
  const current = await tx.customerStanding.findUnique({ where: { customerId } });
  if (current && current.standing === verdict.standing) {
    return { customerId, standing: verdict.standing, reason: verdict.reason, since: current.since.toISOString() };
  }
  if (!current && verdict.standing === 'good') return { customerId, standing: 'good', reason: verdict.reason, since: null };
  const version = (current?.version ?? 0) + 1;
  await tx.customerStanding.upsert({
    where: { customerId },
    create: { customerId, standing: verdict.standing, reason: verdict.reason, since: now, version },
    update: { standing: verdict.standing, reason: verdict.reason, since: now, version },
  });
  const event: StandingChangedV1 = { customerId, version, standing: verdict.standing, reason: verdict.reason, changedAt: now.toISOString() };
  await enqueue(tx, { subject: subjects.billing.standingChanged, payload: event });
  return { customerId, standing: verdict.standing, reason: verdict.reason, since: now.toISOString() };
}

/** A customer's current standing and why. */
export async function currentStanding(ctx: BillingContext, customerId: string): Promise<StandingAnswer> {
  const row = await ctx.db.customerStanding.findUnique({ where: { customerId } });
  if (!row) return { customerId, standing: 'good', reason: 'no invoice overdue past the grace period', since: null };
  return { customerId, standing: row.standing as Standing, reason: row.reason, since: row.since.toISOString() };
}
