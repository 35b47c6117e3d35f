import type { Bus } from '@sva/bus';
import { buckets, entitlementKey } from '@sva/contracts';
import { putState } from '@sva/outbox';
import type { Logger, Worker } from '@sva/service-kit';
import type { SubscriptionsDb } from '../context.ts';

/**
 * Put every stored entitlement record back into the bus's `entitlements` bucket. The database is
 * the source of truth; this rebuilds the bus's copy after it was lost (the embedded mode's
 * in-process bus after a restart, or a new NATS cluster). Values are last-value-per-key and
 * carry versions and are written with `putState`, so republishing never replaces a newer
 * state a relay wrote meanwhile.
 */
export function republishEntitlements(bus: Bus, db: SubscriptionsDb, logger: Logger): Worker {
  return {
    name: 'republish-entitlements',
    async start() {
      const store = await bus.kv({ bucket: buckets.entitlements });
      let cursor: { integrationId: string; customerId: string } | undefined;
      let count = 0;
      for (;;) {
        const page = await db.entitlement.findMany({
          take: 1_000,
          orderBy: [{ integrationId: 'asc' }, { customerId: 'asc' }],
          ...(cursor ? { cursor: { integrationId_customerId: cursor }, skip: 1 } : {}),
        });
        if (page.length === 0) break;
        // A relay may be writing newer versions meanwhile: never replace them.
        await Promise.all(page.map((row) => putState(store, entitlementKey(row.integrationId, row.customerId), row.record)));
        count += page.length;
        const last = page[page.length - 1]!;
        cursor = { integrationId: last.integrationId, customerId: last.customerId };
      }
      logger.info({ count }, 'entitlements republished');
    },
    async stop() {},
  };
}
