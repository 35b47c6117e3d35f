import type { SubscriptionsContext } from '../context.ts';
import { lockCustomers, refreshEntitlementsOf } from '../repositories/entitlements.ts';

/**
 * Recompute the entitlements of up to `batchSize` customers a catalog change touched (queued by
 * `requestRefresh`), in one short transaction. Rows are taken with `SKIP LOCKED`, so several
 * replicas drain the queue together, and deleted before the work: a catalog event that lands
 * meanwhile re-queues the customer (its insert waits for this transaction) rather than being
 * lost. Customers are locked in id order, so two batches cannot deadlock each other.
 * Returns how many customers were handled (0 = queue empty).
 */
export async function drainRefreshQueue(ctx: SubscriptionsContext, batchSize = 250): Promise<number> {
  return ctx.transaction(async (tx) => {
    const taken = await tx.$queryRaw<Array<{ customer_id: string }>>`
      DELETE FROM entitlement_refresh WHERE customer_id IN (
        SELECT customer_id FROM entitlement_refresh ORDER BY requested_at LIMIT ${batchSize} FOR UPDATE SKIP LOCKED
      ) RETURNING customer_id::text`;
    await refreshEntitlementsOf(tx, ctx, await lockCustomers(tx, taken.map((row) => row.customer_id)));
    return taken.length;
  });
}
