import type { IntegrationChangedV1, PackageChangedV1, PlanChangedV1 } from '@sva/contracts';
import { claimMessage } from '@sva/outbox';
import type { SubscriptionsContext, Tx } from '../context.ts';
import { systemActors } from '../domain/history.ts';
import { keepIntegration, keepPackage, keepPlan } from '../repositories/catalog-replica.ts';
import { requestRefresh } from '../repositories/entitlements.ts';

export const CATALOG_CONSUMER = 'subscriptions-catalog';

/*
 * Catalog changes as they reach subscriptions. Each is idempotent twice over: by its msgId (the
 * inbox, so a redelivery changes nothing) and by version (the replica keeps the highest, so an
 * older version arriving late, or the same version republished, changes nothing). The customers
 * a change affects are not recomputed here — a package may be held by a million of them — but
 * queued with one insert (`entitlement_refresh`) for the refresh worker, which drains the queue
 * in short batches. Each returns how many customers it queued.
 */

const once = (ctx: SubscriptionsContext, msgId: string, work: (tx: Tx) => Promise<number>) =>
  ctx.transaction(async (tx) => ((await claimMessage(tx, CATALOG_CONSUMER, msgId)) ? work(tx) : 0));

/** R1, R2, R15: an integration's login field, status-sync or active flag changed: its subscribers' records follow. */
export function integrationChanged(ctx: SubscriptionsContext, event: IntegrationChangedV1, msgId: string): Promise<number> {
  return once(ctx, msgId, async (tx) => ((await keepIntegration(tx, event)) ? requestRefresh(tx, { integrationId: event.integrationId }) : 0));
}

/** R5, R7, R12: a package's products (entitlements of its holders) or price (attachments without their own) changed. */
export function packageChanged(ctx: SubscriptionsContext, event: PackageChangedV1, msgId: string): Promise<number> {
  return once(ctx, msgId, async (tx) => {
    if (!(await keepPackage(tx, event))) return 0;
    await followCatalogPrice(tx, event, ctx.clock.now());
    return requestRefresh(tx, { packageId: event.packageId });
  });
}

/**
 * R6: a plan changed. Plans decide what may be attached or detached (R8, R9) and what new
 * services get (R11); existing entitlements do not depend on them, so nothing is recomputed.
 */
export function planChanged(ctx: SubscriptionsContext, event: PlanChangedV1, msgId: string): Promise<number> {
  return once(ctx, msgId, async (tx) => {
    await keepPlan(tx, event);
    return 0;
  });
}

/**
 * R7: attachments without a price of their own follow the catalog's package price; each change
 * is recorded in the customer's history with the old and new price. One statement however many
 * customers hold the package.
 */
async function followCatalogPrice(tx: Tx, pkg: PackageChangedV1, now: Date): Promise<void> {
  await tx.$executeRaw`
    WITH old AS (
      SELECT p.id, p.service_id, p.price_cents, s.customer_id FROM service_package p JOIN customer_service s ON s.id = p.service_id
      WHERE p.package_id = ${pkg.packageId}::uuid AND p.detached_at IS NULL AND NOT p.price_overridden AND p.price_cents <> ${pkg.priceCents}
      FOR UPDATE OF p
    ), updated AS (
      UPDATE service_package p SET price_cents = ${pkg.priceCents} FROM old WHERE p.id = old.id RETURNING p.id
    )
    INSERT INTO history_entry (customer_id, service_id, attachment_id, package_id, action, old_price_cents, new_price_cents, reason, actor, at)
    SELECT old.customer_id, old.service_id, old.id, ${pkg.packageId}::uuid, 'price_changed', old.price_cents, ${pkg.priceCents},
      ${`catalog price of package "${pkg.description}" changed (version ${pkg.version})`}, ${systemActors.catalog}, ${now}
    FROM old JOIN updated ON updated.id = old.id`;
}
