import type { Bus, Subscription } from '@sva/bus';
import { IntegrationChangedV1, PackageChangedV1, PlanChangedV1, streams, subjects } from '@sva/contracts';
import { consumeEvents, on, type Logger, type Worker } from '@sva/service-kit';
import type { SubscriptionsContext } from '../context.ts';
import { CATALOG_CONSUMER as CONSUMER, integrationChanged, packageChanged, planChanged } from '../use-cases/catalog-changes.ts';

/**
 * Keeps the catalog replica current (integrations, packages, plans) and lets catalog changes
 * flow through: an integration's login field, status-sync flag or active flag, a package's
 * products (entitlements) and price (attachments without an override, R7).
 *
 * Idempotent (inbox) and tolerant of out-of-order delivery (versions), see
 * `use-cases/catalog-changes.ts`. The affected customers are queued for the refresh worker;
 * `onQueued` wakes it.
 */
export function catalogEventsConsumer(bus: Bus, ctx: SubscriptionsContext, logger: Logger, onQueued: () => void): Worker {
  let subscription: Subscription | undefined;
  const after = (queued: number) => {
    if (queued > 0) onQueued();
  };
  return {
    name: CONSUMER,
    async start() {
      subscription = await consumeEvents(bus, {
        spec: { stream: streams.catalog.name, durable: CONSUMER, filterSubject: 'catalog.>' },
        logger,
        routes: {
          [subjects.catalog.integrationChanged]: on(IntegrationChangedV1, async (event, context) => after(await integrationChanged(ctx, event, context.msgId))),
          [subjects.catalog.packageChanged]: on(PackageChangedV1, async (event, context) => after(await packageChanged(ctx, event, context.msgId))),
          [subjects.catalog.planChanged]: on(PlanChangedV1, async (event, context) => after(await planChanged(ctx, event, context.msgId))),
        },
      });
    },
    async stop() {
      await subscription?.stop();
    },
  };
}
