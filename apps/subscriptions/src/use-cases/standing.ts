import type { StandingChangedV1 } from '@sva/contracts';
import type { SubscriptionsContext } from '../context.ts';
import { systemActors } from '../domain/history.ts';
import { refreshEntitlementsOf } from '../repositories/entitlements.ts';

/** What applying a standing change did. */
export type StandingOutcome = 'applied' | 'stale' | 'unknown_customer';

/**
 * R16, R17: keep each customer's payment standing as billing-status announced it and recompute
 * their entitlements: with *sync subscription status* on, delinquency suspends platform access
 * (the records say `suspended_debt`) and good standing restores it; elsewhere nothing changes
 * for the platform, so nothing is published.
 *
 * Idempotent and order-proof by version alone: a customer only takes a newer version, so a
 * redelivery or an older event arriving late changes nothing (and records no history). Many
 * events are applied in one transaction and five statements (lock + update + history, load
 * twice, write records, enqueue) — a billing pass may flip 100,000 customers at once. The
 * customers are row-locked in id order, which serialises this with every other change to them
 * and keeps concurrent batches from deadlocking. Outcomes are in the order of `events`.
 */
export async function applyStandingChanges(ctx: SubscriptionsContext, events: readonly StandingChangedV1[]): Promise<StandingOutcome[]> {
  // Several changes of one customer in a batch: only the newest can take.
  const newest = new Map<string, StandingChangedV1>();
  for (const event of events) {
    const kept = newest.get(event.customerId);
    if (!kept || kept.version < event.version) newest.set(event.customerId, event);
  }
  const chosen = [...newest.values()];
  const { known, applied } = await ctx.transaction(async (tx) => {
    // One statement: lock the customers in id order (so that concurrent batches never deadlock),
    // take each newer version, record the change of standing in the history.
    const [row] = await tx.$queryRaw<Array<{ known: string[] | null; applied: string[] | null }>>`
      WITH input AS (
        SELECT * FROM unnest(
          ${chosen.map((e) => e.customerId)}::uuid[], ${chosen.map((e) => e.version)}::int[], ${chosen.map((e) => e.standing === 'delinquent')}::boolean[],
          ${chosen.map((e) => e.reason)}::text[], ${chosen.map((e) => e.changedAt)}::timestamptz[]
        ) AS t(id, version, delinquent, reason, changed_at)
      ), locked AS (
        SELECT c.id, c.delinquent FROM customer c WHERE c.id IN (SELECT id FROM input) ORDER BY c.id FOR UPDATE
      ), updated AS (
        UPDATE customer c SET delinquent = i.delinquent, standing_version = i.version, standing_reason = i.reason,
          standing_changed_at = i.changed_at, updated_at = ${ctx.clock.now()}
        FROM input i JOIN locked l ON l.id = i.id
        WHERE c.id = i.id AND c.standing_version < i.version
        RETURNING c.id, l.delinquent AS was_delinquent, i.delinquent, i.reason, i.changed_at
      ), history AS (
        INSERT INTO history_entry (customer_id, action, old_status, new_status, reason, actor, at)
        SELECT id, 'standing_changed', CASE WHEN was_delinquent THEN 'delinquent' ELSE 'good' END,
          CASE WHEN delinquent THEN 'delinquent' ELSE 'good' END, reason, ${systemActors.billing}, changed_at
        FROM updated WHERE was_delinquent IS DISTINCT FROM delinquent
      )
      SELECT (SELECT array_agg(id::text) FROM locked) AS known, (SELECT array_agg(id::text) FROM updated) AS applied`;
    const applied = new Set(row?.applied ?? []);
    await refreshEntitlementsOf(tx, ctx, [...applied]);
    return { known: new Set(row?.known ?? []), applied };
  });
  return events.map((event) => {
    if (!known.has(event.customerId)) return 'unknown_customer';
    return applied.has(event.customerId) && newest.get(event.customerId) === event ? 'applied' : 'stale';
  });
}
