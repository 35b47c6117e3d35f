import { subjects, type BillingPeriodClosedV1, type BillingTotalsV1 } from '@sva/contracts';
import { enqueue } from '@sva/outbox';
import type { SubscriptionsContext, SubscriptionsDb, Tx } from '../../context.ts';
import { calendarMonth } from '../../domain/calendar.ts';
import { actorOf, runCommand, type CommandOptions } from '../../use-cases/command.ts';
import { adjustmentLines, linesForAttachment, totalsOf, type BillingLine, type BillingSettings } from '../domain/billing-lines.ts';
import { nextPeriod, type Period } from '../domain/period.ts';
import { periodAlreadyClosed, periodNotEnded, periodOutOfOrder } from '../errors.ts';
import { attachmentFacts, customersHolding, type FactsFilter } from '../repositories/facts.ts';
import { closedLines, fromLineRow, toLineRow } from '../repositories/lines.ts';

type Db = SubscriptionsDb | Tx;

/** How many closed competências back an open one is checked for corrections (R20). */
const ADJUSTMENT_MONTHS = 12;
/** Customers computed per batch: bounds memory whatever the number of customers. */
const CUSTOMER_BATCH = 500;

export interface LineFilter extends FactsFilter {
  readonly billable?: boolean | undefined;
  /** R19 report: only billable lines without a consent (attachments made before consent was recorded). */
  readonly consentMissing?: boolean | undefined;
}

/** Whether a line passes the filter's line-level conditions (the customer and service ones are applied to the facts). */
export function lineMatches(line: Pick<BillingLine, 'billable' | 'consent'>, filter: LineFilter): boolean {
  if (filter.billable !== undefined && line.billable !== filter.billable) return false;
  if (filter.consentMissing && (!line.billable || line.consent !== null)) return false;
  return true;
}

/** A position in a period's lines, ordered by customer then line id. */
export interface LineCursor {
  readonly customerId: string;
  readonly id: string;
}

const periodStart = (period: Period) => new Date(`${period}-01T00:00:00Z`);

/** The closed competência, or `null` while it is open. */
export function closedPeriod(db: Db, period: Period) {
  return db.billingPeriod.findUnique({ where: { period } });
}

async function lastClosed(db: Db): Promise<Period | null> {
  const row = await db.billingPeriod.findFirst({ orderBy: { period: 'desc' }, select: { period: true } });
  return row?.period ?? null;
}

/**
 * R18, R20: the lines of an open competência for one batch of customers: each attachment's lines
 * and, when this is the competência right after the last closed one, the adjustments correcting
 * the closed ones (up to `ADJUSTMENT_MONTHS` back).
 */
async function openLinesOf(db: Db, settings: BillingSettings, period: Period, customerIds: readonly string[], filter: FactsFilter, corrected: readonly Period[]): Promise<BillingLine[]> {
  const facts = await attachmentFacts(db, customerIds, filter);
  const lines = facts.flatMap((f) => linesForAttachment(period, f, settings));
  for (const past of corrected) {
    const billed = (
      await db.billingLine.findMany({
        where: { customerId: { in: [...customerIds] }, ...(filter.serviceId ? { serviceId: filter.serviceId } : {}), OR: [{ period: past, kind: 'charge' }, { correctsPeriod: past }] },
      })
    ).map(fromLineRow);
    const recomputed = facts.flatMap((f) => linesForAttachment(past, f, settings));
    lines.push(...adjustmentLines(period, past, billed, recomputed));
  }
  return lines.sort((a, b) => (a.customerId === b.customerId ? (a.id < b.id ? -1 : 1) : a.customerId < b.customerId ? -1 : 1));
}

/** The closed competências an open one corrects (R20): only the one right after the last closed gets adjustments. */
async function correctedBy(db: Db, period: Period): Promise<Period[]> {
  const last = await lastClosed(db);
  if (last === null || nextPeriod(last) !== period) return [];
  const rows = await db.billingPeriod.findMany({ orderBy: { period: 'desc' }, take: ADJUSTMENT_MONTHS, select: { period: true } });
  return rows.map((row) => row.period).reverse();
}

/**
 * Every line of an open competência, batch after batch of customers (constant memory), in
 * (customer, id) order, starting after `cursor`.
 */
export async function* openLines(db: Db, settings: BillingSettings, period: Period, filter: LineFilter, cursor?: LineCursor): AsyncGenerator<BillingLine> {
  const corrected = await correctedBy(db, period);
  const from = corrected.length > 0 ? periodStart(corrected[0]!) : periodStart(period);
  const to = periodStart(nextPeriod(period));
  // The batch holding the cursor's customer is computed again from that customer on.
  let after: string | null = cursor ? previousUuid(cursor.customerId) : null;
  for (;;) {
    const customers = await customersHolding(db, from, to, filter, after, CUSTOMER_BATCH);
    if (customers.length === 0) return;
    for (const line of await openLinesOf(db, settings, period, customers, filter, corrected)) {
      if (!lineMatches(line, filter)) continue;
      if (cursor && (line.customerId < cursor.customerId || (line.customerId === cursor.customerId && line.id <= cursor.id))) continue;
      yield line;
    }
    after = customers[customers.length - 1]!;
  }
}

/** The UUID just before `id` in order (so that `> previous` includes `id`); the nil UUID stays nil. */
function previousUuid(id: string): string | null {
  const hex = id.replaceAll('-', '');
  if (/^0+$/.test(hex)) return null;
  const before = (BigInt(`0x${hex}`) - 1n).toString(16).padStart(32, '0');
  return `${before.slice(0, 8)}-${before.slice(8, 12)}-${before.slice(12, 16)}-${before.slice(16, 20)}-${before.slice(20)}`;
}

/** The lines of a competência: final once closed, a preview while open. */
export async function* periodLines(db: Db, settings: BillingSettings, period: Period, filter: LineFilter, cursor?: LineCursor): AsyncGenerator<BillingLine> {
  if (await closedPeriod(db, period)) yield* closedLines(db, period, filter, cursor);
  else yield* openLines(db, settings, period, filter, cursor);
}

/** One page of lines (`limit` of them) and the cursor of the next, or `null` on the last page. */
export async function pageOfLines(db: Db, settings: BillingSettings, period: Period, filter: LineFilter, limit: number, cursor?: LineCursor) {
  const items: BillingLine[] = [];
  let more = false;
  for await (const line of periodLines(db, settings, period, filter, cursor)) {
    if (items.length === limit) {
      more = true;
      break;
    }
    items.push(line);
  }
  const last = items[items.length - 1];
  return { items, next: more && last ? { customerId: last.customerId, id: last.id } : null };
}

/** A competência's status and totals (open: a preview). */
export async function periodSummary(db: Db, settings: BillingSettings, period: Period) {
  const closed = await closedPeriod(db, period);
  if (closed) return { period, status: 'closed' as const, closedAt: closed.closedAt.toISOString(), closedBy: closed.closedBy, totals: closed.totals as BillingTotalsV1 };
  const lines: BillingLine[] = [];
  for await (const line of openLines(db, settings, period, {})) lines.push({ ...line, integrationProducts: [], consent: null });
  return { period, status: 'open' as const, closedAt: null, closedBy: null, totals: totalsOf(lines) };
}

/**
 * R20: close a competência. Refused when it has not ended (the current month or later), is already
 * closed, or an earlier one is still open after the last closed one. Writes every line (charges
 * and the adjustments of earlier closed months), the period with its totals, and, through the
 * outbox in the same transaction, `subscriptions.billing-period.closed.v1` and one
 * `subscriptions.billing-line.closed.v1` per line (its id is the de-duplication id).
 */
export async function closeBillingPeriod(ctx: SubscriptionsContext, settings: BillingSettings, period: Period, options: CommandOptions = {}): Promise<BillingPeriodClosedV1> {
  return runCommand(ctx, options, async (tx) => {
    // One close at a time: the second waits, then finds the period closed.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('subscriptions.billing.close'))`;
    const now = ctx.clock.now();
    const current = calendarMonth(now, settings.timeZone);
    if (await closedPeriod(tx, period)) throw periodAlreadyClosed(period);
    if (period >= current) throw periodNotEnded(period, current);
    const last = await lastClosed(tx);
        if (last !== null && nextPeriod(last) !== period) throw periodOutOfOrder(period, nextPeriod(last));

    const totals = { lines: 0, billableLines: 0, billableCents: 0, byCode: new Map<string, { kind: string; serviceCode: string; amountCents: number }>() };
    let batch: BillingLine[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await tx.billingLine.createMany({ data: batch.map(toLineRow) });
      await enqueue(tx, batch.map((line) => ({ subject: subjects.subscriptions.billingLineClosed, payload: line })));
      const sums = totalsOf(batch);
      totals.lines += sums.lines;
      totals.billableLines += sums.billableLines;
      totals.billableCents += sums.billableCents;
      for (const item of sums.byFiscalCode) {
        const key = `${item.kind}|${item.serviceCode}`;
        totals.byCode.set(key, { ...item, amountCents: (totals.byCode.get(key)?.amountCents ?? 0) + item.amountCents });
      }
      batch = [];
    };
    for await (const line of openLines(tx, settings, period, {})) {
      batch.push(line);
      if (batch.length === 1_000) await flush();
    }
    await flush();
    const byFiscalCode = [...totals.byCode.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, item]) => item);
    const event: BillingPeriodClosedV1 = {
      period,
      closedAt: now.toISOString(),
      closedBy: actorOf(options),
      totals: { lines: totals.lines, billableLines: totals.billableLines, billableCents: totals.billableCents, byFiscalCode },
    };
    await tx.billingPeriod.create({ data: { period, closedAt: now, closedBy: event.closedBy, totals: event.totals } });
    await enqueue(tx, { subject: subjects.subscriptions.billingPeriodClosed, payload: event });
    return event;
  });
}
