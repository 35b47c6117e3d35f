import type { Bus, Subscription } from '@sva/bus';
import { StandingChangedV1, streams, subjects } from '@sva/contracts';
import { consumeEvents, on, type Logger, type Worker } from '@sva/service-kit';
import type { SubscriptionsContext } from '../context.ts';
import { applyStandingChanges } from '../use-cases/standing.ts';
import { MicroBatcher } from './micro-batcher.ts';

const CONSUMER = 'subscriptions-standing';

/** Batches in flight at once: one being written while the next fills. */
const BATCHES_IN_FLIGHT = 2;

/**
 * R17: follows `billing.standing.changed.v1`. Many deliveries are handled at once and applied
 * in batches of up to `batchSize` (one transaction each, see `applyStandingChanges`): the
 * per-customer row locks keep two events of one customer in order, the version makes it
 * idempotent (no inbox rows for 100,000 events), and each delivery is acknowledged once its
 * batch committed. An event for a customer this service does not know is acknowledged and
 * dropped (customer ids come from here).
 */
export function standingConsumer(bus: Bus, ctx: SubscriptionsContext, logger: Logger, batchSize: number): Worker {
  let subscription: Subscription | undefined;
  const log = logger.child({ consumer: CONSUMER });
  const batcher = new MicroBatcher(batchSize, BATCHES_IN_FLIGHT, (events: StandingChangedV1[]) => applyStandingChanges(ctx, events));
  return {
    name: CONSUMER,
    async start() {
      subscription = await consumeEvents(bus, {
        spec: {
          stream: streams.billing.name,
          durable: CONSUMER,
          filterSubject: subjects.billing.standingChanged,
          // Enough deliveries in hand to fill the next batch while the others are written.
          concurrency: batchSize * (BATCHES_IN_FLIGHT + 1),
        },
        logger,
        routes: {
          [subjects.billing.standingChanged]: on(StandingChangedV1, async (event) => {
            const outcome = await batcher.add(event);
            if (outcome === 'unknown_customer') log.debug({ customerId: event.customerId }, 'standing of an unknown customer ignored');
          }),
        },
      });
    },
    async stop() {
      await subscription?.stop();
    },
  };
}
