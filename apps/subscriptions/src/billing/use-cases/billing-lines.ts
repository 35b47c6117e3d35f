import { subjects, type BillingPeriodClosedV1, type BillingTotalsV1 } from '@sva/contracts';
import { enqueue } from '@sva/outbox';
import type { SubscriptionsContext, SubscriptionsDb, Tx } from '../../context.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { calendarMonth } from '../../domain/calendar.ts';
import { actorOf, runCommand, type CommandOptions } from '../../use-cases/command.ts';
import { addToTotals, adjustmentLines, linesForAttachment, NO_TOTALS, type BillingLine, type BillingSettings } from '../domain/billing-lines.ts';
import { nextPeriod, type Period } from '../domain/period.ts';
import { periodAlreadyClosed, periodCloseRunning, periodNotEnded, periodOutOfOrder } from '../errors.ts';
import { attachmentFacts, customersHolding, type FactsFilter } from '../repositories/facts.ts';
import { billedLines, closedLines, insertLines } from '../repositories/lines.ts';

type Db = SubscriptionsDb | Tx;

/** How many closed competências back an open one is checked for corrections (R20). */
const ADJUSTMENT_MONTHS = 12;
/** Customers computed per batch (a preview's page, a close's step): bounds memory whatever the number of customers. */
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
/** Where the attachments a competência's lines depend on may start: its own start, or the oldest month it corrects. */
const windowStart = (period: Period, corrected: readonly Period[]) => periodStart(corrected[0] ?? period);

/** The competência's row: being closed or closed; none while open. */
const periodRow = (db: Db, period: Period) => db.billingPeriod.findUnique({ where: { period } });

/** The closed competência, or `null` while it is open (or being closed). */
export async function closedPeriod(db: Db, period: Period) {
  const row = await periodRow(db, period);
  return row?.status === 'closed' ? row : null;
}

async function lastClosed(db: Db): Promise<Period | null> {
  const row = await db.billingPeriod.findFirst({ where: { status: 'closed' }, orderBy: { period: 'desc' }, select: { period: true } });
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
    const billed = await billedLines(db, customerIds, past, filter.serviceId);
    const recomputed = facts.flatMap((f) => linesForAttachment(past, f, settings));
    lines.push(...adjustmentLines(period, past, billed, recomputed));
  }
  return lines.sort((a, b) => (a.customerId === b.customerId ? (a.id < b.id ? -1 : 1) : a.customerId < b.customerId ? -1 : 1));
}

/** The closed competências an open one corrects (R20): only the one right after the last closed gets adjustments. */
async function correctedBy(db: Db, period: Period): Promise<Period[]> {
  const last = await lastClosed(db);
  if (last === null || nextPeriod(last) !== period) return [];
  const rows = await db.billingPeriod.findMany({ where: { status: 'closed' }, orderBy: { period: 'desc' }, take: ADJUSTMENT_MONTHS, select: { period: true } });
  return rows.map((row) => row.period).reverse();
}

/**
 * Every line of an open competência, batch after batch of customers (constant memory), in
 * (customer, id) order, starting after `cursor`.
 */
export async function* openLines(db: Db, settings: BillingSettings, period: Period, filter: LineFilter, cursor?: LineCursor): AsyncGenerator<BillingLine> {
  const corrected = await correctedBy(db, period);
  const from = windowStart(period, corrected);
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

/** A competência: open (a preview), being closed (the totals of the lines written so far), or closed. */
export interface PeriodSummary {
  readonly period: Period;
  readonly status: 'open' | 'closing' | 'closed';
  readonly requestedAt: string | null;
  readonly closedAt: string | null;
  readonly closedBy: string | null;
  readonly totals: BillingTotalsV1;
}

type PeriodRow = NonNullable<Awaited<ReturnType<typeof periodRow>>>;


function summaryOf(row: PeriodRow): PeriodSummary {
  return {
    period: row.period,
    status: row.status === 'closed' ? 'closed' : 'closing',
    requestedAt: row.requestedAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
    closedBy: row.closedBy,
    totals: row.totals as BillingTotalsV1,
  };
}

/** A competência's status and totals (open: a preview, summed batch after batch). */
export async function periodSummary(db: Db, settings: BillingSettings, period: Period): Promise<PeriodSummary> {
  const row = await periodRow(db, period);
  if (row) return summaryOf(row);
  let totals = NO_TOTALS;
  let batch: BillingLine[] = [];
  for await (const line of openLines(db, settings, period, {})) {
    batch.push(line);
    if (batch.length === 1_000) [totals, batch] = [addToTotals(totals, batch), []];
  }
  return { period, status: 'open', requestedAt: null, closedAt: null, closedBy: null, totals: addToTotals(totals, batch) };
}

/** One close at a time, and one step of it at a time across replicas. */
const lockClose = (tx: Tx) => tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('subscriptions.billing.close'))`;

/**
 * R20: ask for a competência to be closed. Refused when it has not ended (the current month or
 * later), is already closed, another one is being closed, or an earlier one is still open after
 * the last closed one. Accepted, the period is `closing`: the close job (`billingCloseJob`) writes its
 * lines batch after batch and then marks it `closed`. Asking again while it closes changes nothing.
 */
export async function requestClose(ctx: SubscriptionsContext, settings: BillingSettings, period: Period, options: CommandOptions = {}): Promise<PeriodSummary> {
  return runCommand(ctx, options, async (tx) => {
    await lockClose(tx);
    const now = ctx.clock.now();
    const current = calendarMonth(now, settings.timeZone);
    const row = await periodRow(tx, period);
    if (row?.status === 'closed') throw periodAlreadyClosed(period);
    if (row) return summaryOf(row);
    if (period >= current) throw periodNotEnded(period, current);
    const running = await tx.billingPeriod.findFirst({ where: { status: 'closing' }, select: { period: true } });
    if (running) throw periodCloseRunning(period, running.period);
    const last = await lastClosed(tx);
    if (last !== null && nextPeriod(last) !== period) throw periodOutOfOrder(period, nextPeriod(last));
    const created = await tx.billingPeriod.create({
      data: { period, status: 'closing', requestedAt: now, closedBy: actorOf(options), totals: NO_TOTALS as unknown as Prisma.InputJsonValue },
    });
    return summaryOf(created);
  });
}

/** A batch of a close computed ahead of its step: the customers after `after` and their lines. */
interface PreparedBatch {
  readonly period: Period;
  readonly after: string | null;
  readonly customers: readonly string[];
  readonly lines: readonly BillingLine[];
}

async function prepareBatch(db: Db, settings: BillingSettings, period: Period, corrected: readonly Period[], after: string | null, batchSize: number): Promise<PreparedBatch> {
  const customers = await customersHolding(db, windowStart(period, corrected), periodStart(nextPeriod(period)), {}, after, batchSize);
  const lines = customers.length > 0 ? await openLinesOf(db, settings, period, customers, {}, corrected) : [];
  return { period, after, customers, lines };
}

export interface CloseStep {
  readonly period: Period;
  readonly closed: boolean;
  readonly lines: number;
}

/**
 * R20, the close job. Each `step()` is one transaction: it takes the next `batchSize` customers of
 * the competência being closed (charges, and adjustments of earlier closed months), writes their
 * lines (`publishLinesStep` puts them on the bus once the month is closed), and records how far it
 * got and the totals so far. Crash-safe: a step commits whole or not at all, and the next one
 * resumes after the last customer written; replicas take steps one at a time (advisory lock).
 * When no customer is left, the period is `closed` and `subscriptions.billing-period.closed.v1`
 * announces its totals. A step answers `null` when nothing is being closed.
 *
 * While a step writes its batch, the next batch is read and computed on another connection, so
 * the service computes while PostgreSQL writes. It is used only if the period's progress is still
 * where that batch starts; its facts are read a moment before the step that writes it, which
 * changes nothing: a change to a month being closed is corrected next month either way (R20).
 */
export function billingCloseJob(ctx: SubscriptionsContext, settings: BillingSettings, batchSize: number): { step(): Promise<CloseStep | null> } {
  let ahead: Promise<PreparedBatch | null> | null = null;
  return {
    async step() {
      // Awaited before the transaction takes a connection: embedded PGlite has only one.
      const prepared = ahead ? await ahead : null;
      ahead = null;
      return ctx.transaction(async (tx) => {
        await lockClose(tx);
        const row = await tx.billingPeriod.findFirst({ where: { status: 'closing' }, orderBy: { period: 'asc' } });
        if (!row) return null;
        const { period } = row;
        const corrected = await correctedBy(tx, period);
        const batch =
          prepared && prepared.period === period && prepared.after === row.progressCustomerId
            ? prepared
            : await prepareBatch(tx, settings, period, corrected, row.progressCustomerId, batchSize);
        if (batch.customers.length === 0) {
          const closedAt = ctx.clock.now();
          const event: BillingPeriodClosedV1 = { period, closedAt: closedAt.toISOString(), closedBy: row.closedBy, totals: row.totals as BillingTotalsV1 };
          await tx.billingPeriod.update({ where: { period }, data: { status: 'closed', closedAt, progressCustomerId: null } });
          // A month's lines were just written in bulk: fresh statistics let the export and the line
          // stream walk them by index rather than sort them.
          await tx.$executeRaw`ANALYZE billing_line`;
          await enqueue(tx, { subject: subjects.subscriptions.billingPeriodClosed, payload: event });
          return { period, closed: true, lines: 0 };
        }
        const last = batch.customers[batch.customers.length - 1]!;
        // A failed read ahead is only a batch to compute again in the next step.
        ahead = prepareBatch(ctx.db, settings, period, corrected, last, batchSize).catch(() => null);
        await insertLines(tx, batch.lines);
        const totals = addToTotals(row.totals as BillingTotalsV1, batch.lines);
        await tx.billingPeriod.update({ where: { period }, data: { totals: totals as unknown as Prisma.InputJsonValue, progressCustomerId: last } });
        return { period, closed: false, lines: batch.lines.length };
      });
    },
  };
}
