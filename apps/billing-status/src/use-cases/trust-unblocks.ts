import type { BillingContext } from '../context.ts';
import { customerNotDelinquent } from '../domain/errors.ts';
import type { StandingRecord } from '../domain/standing.ts';
import { grantTrustUnblock, type TrustUnblockGrant } from '../domain/trust-unblock.ts';
import { readSettings } from '../repositories/settings.repository.ts';
import { assessCustomers, judgeCustomers } from './judge-customers.ts';

/** A trust unblock as kept in the history. */
export interface TrustUnblockRecord extends TrustUnblockGrant {
  readonly endedAt: Date | null;
  readonly endReason: 'expired' | 'settled' | null;
}

/**
 * R16: grant a delinquent customer a trust unblock of `days` (≤ the provider's maximum). The
 * customer counts as in good standing at once (announced like any change); when the days run out
 * while an invoice is still overdue, the scheduler's expiry sweep (or the daily evaluation) makes
 * the customer delinquent again, with no manual step.
 */
export async function grantCustomerTrustUnblock(
  ctx: BillingContext,
  customerId: string,
  request: { readonly days: number; readonly note?: string | undefined },
): Promise<{ grant: TrustUnblockGrant; standing: StandingRecord }> {
  return ctx.transaction(async (tx) => {
    const now = ctx.clock.now();
    const settings = await readSettings(tx, ctx.defaultSettings);
    // Assess afresh first (the stored standing may predate an invoice crossing its grace today),
    // but store and announce only the outcome with the grant: one operator action, one change.
    const [assessed] = await assessCustomers(tx, [customerId], settings, now);
    if (!assessed) throw customerNotDelinquent(customerId);
    const verdict = assessed.verdict;
    const grant = grantTrustUnblock({ id: ctx.newId(), customerId, days: request.days, note: request.note ?? null }, verdict, settings.maxTrustUnblockDays, now);
    await tx.trustUnblock.create({
      data: { id: grant.id, customerId, days: grant.days, grantedAt: grant.grantedAt, until: grant.until, note: grant.note, invoiceId: grant.invoiceId },
    });
    await tx.customerStanding.update({ where: { customerId }, data: { trustUnblockId: grant.id, trustUntil: grant.until } });
    const report = await judgeCustomers(tx, [customerId], settings, now);
    return { grant, standing: report.records.get(customerId)! };
  });
}

/** R16: every trust unblock granted to a customer, newest first. */
export async function listTrustUnblocks(ctx: BillingContext, customerId: string): Promise<TrustUnblockRecord[]> {
  const rows = await ctx.db.trustUnblock.findMany({ where: { customerId }, orderBy: [{ grantedAt: 'desc' }, { id: 'asc' }] });
  return rows.map((row) => ({
    id: row.id,
    customerId: row.customerId,
    days: row.days,
    grantedAt: row.grantedAt,
    until: row.until,
    invoiceId: row.invoiceId ?? '',
    note: row.note,
    endedAt: row.endedAt,
    endReason: row.endReason as TrustUnblockRecord['endReason'],
  }));
}

