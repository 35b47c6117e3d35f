import type { Standing } from '@sva/contracts';
import type { BillingContext } from '../context.ts';
import { goodReason } from '../domain/standing.ts';
import { readSettings } from '../repositories/settings.repository.ts';
import { findStanding } from '../repositories/standing.repository.ts';

/** A customer's standing and why: which invoice, since when, trust unblock until when (R16). */
export interface StandingExplanation {
  readonly customerId: string;
  readonly standing: Standing;
  readonly reason: string;
  /** When the current standing began; `null` for a customer never reported by the financial system. */
  readonly since: Date | null;
  /** Version of the last announced change (0: never changed). */
  readonly version: number;
  /** The oldest invoice overdue past grace (also while a trust unblock covers it). */
  readonly overdueInvoice: {
    readonly invoiceId: string;
    readonly dueDate: string | null;
    readonly amountCents: number | null;
    /** First day it counted as overdue past grace. */
    readonly overdueSince: string | null;
  } | null;
  readonly trustUnblock: { readonly id: string; readonly days: number; readonly grantedAt: Date; readonly until: Date; readonly note: string | null } | null;
  readonly updatedAt: Date | null;
}

/** The stored (announced) standing of a customer, explained. Unknown customers are in good standing. */
export async function explainStanding(ctx: BillingContext, customerId: string): Promise<StandingExplanation> {
  const record = await findStanding(ctx.db, customerId);
  if (!record) {
    const settings = await readSettings(ctx.db, ctx.defaultSettings);
    return { customerId, standing: 'good', reason: goodReason(settings.graceDays), since: null, version: 0, overdueInvoice: null, trustUnblock: null, updatedAt: null };
  }
  const [invoice, trust] = await Promise.all([
    record.overdueInvoiceId ? ctx.db.invoice.findUnique({ where: { id: record.overdueInvoiceId } }) : null,
    record.trustUnblockId ? ctx.db.trustUnblock.findUnique({ where: { id: record.trustUnblockId } }) : null,
  ]);
  return {
    customerId,
    standing: record.standing,
    reason: record.reason,
    since: record.since,
    version: record.version,
    overdueInvoice: record.overdueInvoiceId
      ? {
          invoiceId: record.overdueInvoiceId,
          dueDate: invoice?.dueDate ? invoice.dueDate.toISOString().slice(0, 10) : null,
          amountCents: invoice?.amountCents == null ? null : Number(invoice.amountCents),
          overdueSince: record.overdueSince,
        }
      : null,
    trustUnblock: trust ? { id: trust.id, days: trust.days, grantedAt: trust.grantedAt, until: trust.until, note: trust.note } : null,
    updatedAt: record.updatedAt,
  };
}
