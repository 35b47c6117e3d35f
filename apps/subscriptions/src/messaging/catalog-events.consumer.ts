import type { Bus, Subscription } from '@sva/bus';
import { IntegrationChangedV1, PackageChangedV1, streams, subjects } from '@sva/contracts';
import { claimMessage } from '@sva/outbox';
import { consumeEvents, on, type EventContext, type Logger, type Worker } from '@sva/service-kit';
import type { SubscriptionsContext, Tx } from '../context.ts';
import { keepIntegration, keepPackage } from '../repositories/catalog-replica.ts';
import { ensureSubscribers, lockCustomer, refreshEntitlements } from '../repositories/entitlements.ts';

const CONSUMER = 'subscriptions-catalog';

/**
 * Keeps the catalog replica current and lets catalog changes flow through to entitlements:
 * an integration's login field or status-sync flag, a package's products. Idempotent (inbox)
 * and tolerant of out-of-order delivery (versions).
 *
 * Affected customers are refreshed in the same transaction: right, but a package held by very
 * many customers makes a long transaction (a batched refresh queue is future work).
 */
export function catalogEventsConsumer(bus: Bus, ctx: SubscriptionsContext, logger: Logger): Worker {
  let subscription: Subscription | undefined;
  const once = (context: EventContext, work: (tx: Tx) => Promise<void>) =>
    ctx.transaction(async (tx) => {
      if (await claimMessage(tx, CONSUMER, context.msgId)) await work(tx);
    });
  const refreshAll = async (tx: Tx, customerIds: readonly string[], integrationId?: string) => {
    for (const customerId of [...new Set(customerIds)].sort()) {
      await lockCustomer(tx, customerId);
      await refreshEntitlements(tx, ctx, customerId, integrationId ? [integrationId] : undefined);
    }
  };
  return {
    name: CONSUMER,
    async start() {
      subscription = await consumeEvents(bus, {
        spec: { stream: streams.catalog.name, durable: CONSUMER, filterSubject: 'catalog.>' },
        logger,
        routes: {
          [subjects.catalog.integrationChanged]: on(IntegrationChangedV1, (event, context) =>
            once(context, async (tx) => {
              if (!(await keepIntegration(tx, event))) return;
              const subscribers = await tx.subscriber.findMany({ where: { integrationId: event.integrationId }, select: { customerId: true } });
              await refreshAll(tx, subscribers.map((s) => s.customerId), event.integrationId);
            }),
          ),
          [subjects.catalog.packageChanged]: on(PackageChangedV1, (event, context) =>
            once(context, async (tx) => {
              if (!(await keepPackage(tx, event))) return;
              const holders = await tx.servicePackage.findMany({
                where: { packageId: event.packageId },
                select: { detachedAt: true, service: { select: { customerId: true } } },
              });
              // R13: a package that now grants another integration gives its holders a subscriber id there.
              const integrationIds = event.grants.map((grant) => grant.integrationId);
              for (const holder of holders.filter((h) => h.detachedAt === null)) {
                await ensureSubscribers(tx, ctx, holder.service.customerId, integrationIds);
              }
              await refreshAll(tx, holders.map((h) => h.service.customerId));
            }),
          ),
        },
      });
    },
    async stop() {
      await subscription?.stop();
    },
  };
}
