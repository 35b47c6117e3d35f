import { type Attributes, metrics } from '@opentelemetry/api';
import type { Bus, ConsumerSpec, Delivery, Headers, Subscription } from '@sva/bus';
import { decodeJson, ENQUEUED_AT_HEADER } from '@sva/bus';
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

/** How a delivery was settled, as counted by `sva.consumer.messages`. */
export type ConsumerOutcome = 'handled' | 'ignored' | 'retry' | 'terminated';

/**
 * Run a durable consumer that validates each message against its contract and hands it to a use
 * case. A message that does not parse, or that a use case refuses for good (a non-retryable domain
 * error), is terminated and logged: retrying cannot help. Anything else is retried with backoff.
 *
 * Metrics (attributes `messaging.consumer.group.name` = durable, `messaging.destination.name` =
 * subject): `sva.consumer.messages` by `outcome`, `sva.consumer.redeliveries` (deliveries after the
 * first), `messaging.process.duration` (seconds in the handler) and `sva.consumer.lag` (seconds from
 * the commit that enqueued the event to its handling — the delay a customer feels). The number of
 * messages waiting is the server's to tell (the NATS exporter's consumer `num_pending`, see
 * deploy/README.md).
 */
export function consumeEvents(bus: Bus, options: EventConsumerOptions): Promise<Subscription> {
  const log = options.logger.child({ consumer: options.spec.durable });
  const retryDelayMs = options.retryDelayMs ?? redeliveryDelayMs;
  const meters = consumerMeters();
  return bus.consume(options.spec, async (delivery: Delivery) => {
    const attributes: Attributes = { 'messaging.consumer.group.name': options.spec.durable, 'messaging.destination.name': delivery.subject };
    const settled = (outcome: ConsumerOutcome) => meters.messages.add(1, { ...attributes, outcome });
    if (delivery.deliveryCount > 1) meters.redeliveries.add(1, attributes);
    const route = options.routes[delivery.subject];
    if (!route) {
      settled('ignored');
      return delivery.ack();
    }
    const enqueuedAt = enqueuedAtMs(delivery.headers);
    if (enqueuedAt !== undefined) meters.lag.record(Math.max(0, Date.now() - enqueuedAt) / 1_000, attributes);
    if (!delivery.msgId) {
      log.error({ subject: delivery.subject, seq: delivery.streamSeq }, 'message without msgId: cannot be handled idempotently');
      settled('terminated');
      return delivery.term('missing msgId');
    }
    let payload: unknown;
    try {
      payload = route.schema.parse(decodeJson(delivery.data));
    } catch (error) {
      log.error({ subject: delivery.subject, seq: delivery.streamSeq, err: error }, 'message does not match its contract');
      settled('terminated');
      return delivery.term('invalid payload');
    }
    const started = performance.now();
    try {
      await route.handle(payload, { msgId: delivery.msgId, subject: delivery.subject, deliveryCount: delivery.deliveryCount });
      await delivery.ack();
      meters.duration.record((performance.now() - started) / 1_000, attributes);
      settled('handled');
    } catch (error) {
      meters.duration.record((performance.now() - started) / 1_000, { ...attributes, 'error.type': errorType(error) });
      if (isDomainError(error) && !error.retryable) {
        log.error({ subject: delivery.subject, msgId: delivery.msgId, err: error }, 'message refused for good');
        settled('terminated');
        return delivery.term(error.code);
      }
      log.warn({ subject: delivery.subject, msgId: delivery.msgId, deliveryCount: delivery.deliveryCount, err: error }, 'handler failed, will retry');
      settled('retry');
      delivery.nak(retryDelayMs(delivery.deliveryCount));
    }
  });
}

/** Instruments on the global meter provider (no-ops until `startTelemetry` registered one). */
function consumerMeters() {
  const meter = metrics.getMeter('@sva/service-kit');
  return {
    messages: meter.createCounter('sva.consumer.messages', {
      unit: '{message}',
      description: 'Deliveries settled by a durable consumer, by outcome (handled, ignored, retry, terminated).',
    }),
    redeliveries: meter.createCounter('sva.consumer.redeliveries', {
      unit: '{message}',
      description: 'Deliveries of a message that was delivered before (a handler failed, or its ack was lost).',
    }),
    duration: meter.createHistogram('messaging.process.duration', { unit: 's', description: 'Time spent handling one delivery.' }),
    lag: meter.createHistogram('sva.consumer.lag', {
      unit: 's',
      description: 'Age of an event when its consumer handles it: from the commit that enqueued it in the outbox.',
      advice: { explicitBucketBoundaries: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3_600] },
    }),
  };
}

function enqueuedAtMs(headers: Headers): number | undefined {
  const raw = headers[ENQUEUED_AT_HEADER];
  const value = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** A bounded description of a failure for the `error.type` attribute: the domain code or the class name. */
function errorType(error: unknown): string {
  if (isDomainError(error)) return error.code;
  return error instanceof Error ? error.name : 'unknown';
}
