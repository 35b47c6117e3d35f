import type { Bus, Subscription } from '@sva/bus';
import { DecisionsRecordedV1, streams, subjects } from '@sva/contracts';
import { consumeEvents, on, type Logger, type Worker } from '@sva/service-kit';
import type { SubscriptionsContext } from '../context.ts';
import { DECISIONS_CONSUMER, recordDecisions } from '../use-cases/decisions.ts';

/**
 * The audit store of the gateway's decisions (issue 7): follows `gateway.decisions.recorded.v1`
 * and keeps each batch once (the batch's msgId is claimed with the rows).
 */
export function decisionsConsumer(bus: Bus, ctx: SubscriptionsContext, logger: Logger): Worker {
  let subscription: Subscription | undefined;
  return {
    name: DECISIONS_CONSUMER,
    async start() {
      subscription = await consumeEvents(bus, {
        spec: { stream: streams.gateway.name, durable: DECISIONS_CONSUMER, filterSubject: subjects.gateway.decisionsRecorded, concurrency: 2 },
        logger,
        routes: {
          [subjects.gateway.decisionsRecorded]: on(DecisionsRecordedV1, async (batch, context) => {
            await recordDecisions(ctx, batch, context.msgId);
          }),
        },
      });
    },
    async stop() {
      await subscription?.stop();
    },
  };
}
