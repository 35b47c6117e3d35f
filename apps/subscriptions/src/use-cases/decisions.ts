import type { DecisionsRecordedV1 } from '@sva/contracts';
import { claimMessage } from '@sva/outbox';
import type { SubscriptionsContext } from '../context.ts';
import { calendarMonth } from '../domain/calendar.ts';
import { reasonCodes, reasonOfCode, type AuthoriseReason } from '../domain/reasons.ts';

export const DECISIONS_CONSUMER = 'subscriptions-decisions';

/**
 * Store a batch of the gateway's authorisation decisions (audit, issue 7): one row per decision,
 * the reason as a small code, and, for allowed ones, the (month, integration, product,
 * subscriber) the active-subscribers report counts. Idempotent by the batch's `msgId`: a
 * redelivered batch is recognised in the same transaction and stores nothing. Returns how many
 * decisions were stored.
 */
export async function recordDecisions(ctx: SubscriptionsContext, batch: DecisionsRecordedV1, msgId: string): Promise<number> {
  const decisions = batch.decisions;
  return ctx.transaction(async (tx) => {
    if (!(await claimMessage(tx, DECISIONS_CONSUMER, msgId))) return 0;
    await tx.$executeRaw`
      INSERT INTO gateway_decision (integration_id, subscriber_id, product, allowed, reason, latency_micros, at)
      SELECT * FROM unnest(
        ${decisions.map((d) => d.integrationId)}::uuid[], ${decisions.map((d) => d.subscriberId)}::text[], ${decisions.map((d) => d.product)}::text[],
        ${decisions.map((d) => d.allowed)}::boolean[], ${decisions.map((d) => reasonCodes[d.reason])}::smallint[],
        ${decisions.map((d) => d.latencyMicros)}::int[], ${decisions.map((d) => d.at)}::timestamptz[])`;
    const active = new Map<string, [string, string, string, string]>();
    for (const d of decisions) {
      if (!d.allowed) continue;
      const month = calendarMonth(new Date(d.at), ctx.timeZone);
      active.set(JSON.stringify([month, d.integrationId, d.product, d.subscriberId]), [month, d.integrationId, d.product, d.subscriberId]);
    }
    if (active.size > 0) {
      // Sorted, so that two batches inserting the same keys take their locks in the same order.
      const rows = [...active.values()].sort((a, b) => (a.join('\u0000') < b.join('\u0000') ? -1 : 1));
      await tx.$executeRaw`
        INSERT INTO monthly_active_subscriber (month, integration_id, product, subscriber_id)
        SELECT * FROM unnest(${rows.map((r) => r[0])}::text[], ${rows.map((r) => r[1])}::uuid[], ${rows.map((r) => r[2])}::text[], ${rows.map((r) => r[3])}::text[])
        ON CONFLICT DO NOTHING`;
    }
    return decisions.length;
  });
}

/** One stored decision as the support view shows it. */
export interface StoredDecision {
  readonly id: string;
  readonly integrationId: string;
  readonly subscriberId: string;
  readonly product: string;
  readonly allowed: boolean;
  readonly reason: AuthoriseReason;
  readonly latencyMicros: number;
  readonly at: string;
}

/**
 * A customer's decisions, newest first: the gateway knows subscriber ids, which map to the
 * customer through the subscriber table (R13). Paged by `(at, id)` descending.
 */
export async function customerDecisions(
  ctx: SubscriptionsContext,
  customerId: string,
  query: { limit: number; before?: { at: Date; id: bigint } | undefined; product?: string | undefined },
): Promise<StoredDecision[]> {
  const subscribers = await ctx.db.subscriber.findMany({ where: { customerId }, select: { integrationId: true, subscriberId: true } });
  if (subscribers.length === 0) return [];
  const rows = await ctx.db.gatewayDecision.findMany({
    where: {
      AND: [
        { OR: subscribers.map((s) => ({ integrationId: s.integrationId, subscriberId: s.subscriberId })) },
        ...(query.product ? [{ product: query.product }] : []),
        ...(query.before ? [{ OR: [{ at: { lt: query.before.at } }, { at: query.before.at, id: { lt: query.before.id } }] }] : []),
      ],
    },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: query.limit,
  });
  return rows.map((row) => ({
    id: row.id.toString(),
    integrationId: row.integrationId,
    subscriberId: row.subscriberId,
    product: row.product,
    allowed: row.allowed,
    reason: reasonOfCode(row.reason),
    latencyMicros: row.latencyMicros,
    at: row.at.toISOString(),
  }));
}

/** One line of the monthly report. */
export interface ActiveSubscribersLine {
  readonly integrationId: string;
  readonly product: string;
  /** Distinct subscribers with at least one allowed decision for the product in the month. */
  readonly activeSubscribers: number;
}

/** The active-subscribers-per-product report of a month (`YYYY-MM`, provider's time zone). */
export async function activeSubscribersReport(ctx: SubscriptionsContext, month: string): Promise<ActiveSubscribersLine[]> {
  const rows = await ctx.db.$queryRaw<Array<{ integration_id: string; product: string; active: bigint }>>`
    SELECT integration_id::text, product, count(*) AS active FROM monthly_active_subscriber
    WHERE month = ${month} GROUP BY integration_id, product ORDER BY integration_id, product`;
  return rows.map((row) => ({ integrationId: row.integration_id, product: row.product, activeSubscribers: Number(row.active) }));
}

/**
 * Forget individual decisions older than `before`, a bounded number per call (the monthly
 * report's counts are kept). Returns how many were deleted; call again while it returns `limit`.
 */
export async function pruneDecisions(ctx: SubscriptionsContext, before: Date, limit = 10_000): Promise<number> {
  // Ids grow with time, so the oldest rows are found walking the primary key from the start.
  return ctx.db.$executeRaw`
    DELETE FROM gateway_decision WHERE id IN (SELECT id FROM gateway_decision WHERE at < ${before} ORDER BY id LIMIT ${limit})`;
}
