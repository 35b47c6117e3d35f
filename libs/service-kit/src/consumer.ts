import type { Bus, ConsumerSpec, Delivery, Subscription } from '@sva/bus';
import { decodeJson } from '@sva/bus';
import { isDomainError } from '@sva/kernel';
import type { Logger } from 'pino';
import type { z } from 'zod';

/** What a handler learns about the message besides its payload. */
export interface EventContext {
  /** The publisher's de-duplication id: record it to stay idempotent (deliveries are at least once). */
  readonly msgId: string;
  readonly subject: string;
  readonly deliveryCount: number;
}

/** A typed handler for one subject. */
export interface EventRoute<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  readonly handle: (event: z.output<S>, context: EventContext) => Promise<void>;
}

/** Declare a route with its payload type inferred from the schema. */
export function on<S extends z.ZodType>(schema: S, handle: (event: z.output<S>, context: EventContext) => Promise<void>): EventRoute<S> {
  return { schema, handle };
}

export interface EventConsumerOptions {
  readonly spec: ConsumerSpec;
  readonly logger: Logger;
  /** Subject → route. Subjects without a route are acknowledged and ignored (newer events, other versions). */
  readonly routes: Readonly<Record<string, EventRoute>>;
  /** Delay before redelivering a message whose handler failed, by delivery count. Default `redeliveryDelayMs`. */
  readonly retryDelayMs?: (deliveryCount: number) => number;
}

/** Backoff before the n-th redelivery: 0.5 s, 1 s, 2 s, … capped at 30 s. */
export function redeliveryDelayMs(deliveryCount: number): number {
  return Math.min(30_000, 500 * 2 ** Math.max(0, deliveryCount - 1));
}

/**
 * Run a durable consumer that validates each message against its contract and hands it to a use
 * case. A message that does not parse, or that a use case refuses for good (a non-retryable domain
 * error), is terminated and logged: retrying cannot help. Anything else is retried with backoff.
 */
export function consumeEvents(bus: Bus, options: EventConsumerOptions): Promise<Subscription> {
  const log = options.logger.child({ consumer: options.spec.durable });
  const retryDelayMs = options.retryDelayMs ?? redeliveryDelayMs;
  return bus.consume(options.spec, async (delivery: Delivery) => {
    const route = options.routes[delivery.subject];
    if (!route) return delivery.ack();
    if (!delivery.msgId) {
      log.error({ subject: delivery.subject, seq: delivery.streamSeq }, 'message without msgId: cannot be handled idempotently');
      return delivery.term('missing msgId');
    }
    let payload: unknown;
    try {
      payload = route.schema.parse(decodeJson(delivery.data));
    } catch (error) {
      log.error({ subject: delivery.subject, seq: delivery.streamSeq, err: error }, 'message does not match its contract');
      return delivery.term('invalid payload');
    }
    try {
      await route.handle(payload, { msgId: delivery.msgId, subject: delivery.subject, deliveryCount: delivery.deliveryCount });
      await delivery.ack();
    } catch (error) {
      if (isDomainError(error) && !error.retryable) {
        log.error({ subject: delivery.subject, msgId: delivery.msgId, err: error }, 'message refused for good');
        return delivery.term(error.code);
      }
      log.warn({ subject: delivery.subject, msgId: delivery.msgId, deliveryCount: delivery.deliveryCount, err: error }, 'handler failed, will retry');
      delivery.nak(retryDelayMs(delivery.deliveryCount));
    }
  });
}
