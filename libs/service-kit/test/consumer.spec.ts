import { createMemoryBus, encodeJson, type Bus, type Delivery } from '@sva/bus';
import { ConflictError, UnavailableError } from '@sva/kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { consumeEvents, on, redeliveryDelayMs, type EventContext } from '../src/index.ts';
import { captureLogs, type CapturedLogger } from './support/capture-logs.ts';

const PackageAttachedV1 = z.object({ packageId: z.string(), priceCents: z.number().int() });
type PackageAttachedV1 = z.infer<typeof PackageAttachedV1>;

const stream = { name: 'CATALOG', subjects: ['catalog.>'] };
const subject = 'catalog.package.attached.v1';

/** Resolves once `predicate` holds, polling on later ticks (no wall-clock assertions). */
async function eventually(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** Lets the bus run every pending handler tick. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

let bus: Bus;
let logs: CapturedLogger;
let busErrors: unknown[];
beforeEach(async () => {
  busErrors = [];
  bus = createMemoryBus({ onError: (error) => busErrors.push(error) });
  await bus.ensureStream(stream);
  logs = captureLogs();
});
afterEach(async () => {
  await bus.close();
});

/** The same bus with its `consume` replaced. */
function withConsume(inner: Bus, consume: Bus['consume']): Bus {
  return new Proxy(inner, { get: (target, key) => (key === 'consume' ? consume : Reflect.get(target, key, target)) });
}

/** Wraps a bus so the test sees how each delivery was settled. */
function observeSettlements(inner: Bus) {
  const settlements: { subject: string; outcome: string; deliveryCount: number; detail?: unknown }[] = [];
  const observed = withConsume(
    inner,
    (spec, handler) =>
      inner.consume(spec, (delivery) => {
        const record = (outcome: string, detail?: unknown) =>
          settlements.push({ subject: delivery.subject, outcome, deliveryCount: delivery.deliveryCount, detail });
        const watched: Delivery = {
          ...delivery,
          ack: async () => {
            record('ack');
            await delivery.ack();
          },
          nak: (delayMs) => {
            record('nak', delayMs);
            delivery.nak(delayMs);
          },
          term: (reason) => {
            record('term', reason);
            delivery.term(reason);
          },
        };
        return handler(watched);
      }),
  );
  return { bus: observed, settlements };
}

const spec = { stream: 'CATALOG', durable: 'subscriptions-catalog' };
const publish = (payload: unknown, msgId: string, on = subject) => bus.publish(on, encodeJson(payload), { msgId });

describe('consumeEvents', () => {
  it('when a valid message arrives, then the handler gets the parsed event once and it is acked', async () => {
    const { bus: observed, settlements } = observeSettlements(bus);
    const seen: [PackageAttachedV1, EventContext][] = [];
    const subscription = await consumeEvents(observed, {
      spec,
      logger: logs.logger,
      routes: { [subject]: on(PackageAttachedV1, async (event, context) => void seen.push([event, context])) },
    });
    await publish({ packageId: 'p1', priceCents: 1990, extra: 'ignored' }, 'm-1');
    await eventually(() => settlements.length === 1, 'the message is settled');
    await settle();
    expect(seen).toEqual([[{ packageId: 'p1', priceCents: 1990 }, { msgId: 'm-1', subject, deliveryCount: 1 }]]);
    expect(settlements).toEqual([{ subject, outcome: 'ack', deliveryCount: 1, detail: undefined }]);
    await subscription.stop();
  });

  it('when the payload fails the schema, then it is terminated, never redelivered, and the handler is not called', async () => {
    const { bus: observed, settlements } = observeSettlements(bus);
    let calls = 0;
    await consumeEvents(observed, {
      spec,
      logger: logs.logger,
      retryDelayMs: () => 1,
      routes: { [subject]: on(PackageAttachedV1, async () => void calls++) },
    });
    await publish({ packageId: 'p1', priceCents: 'free' }, 'm-1');
    await eventually(() => settlements.length === 1, 'the message is settled');
    await settle();
    expect(settlements).toEqual([{ subject, outcome: 'term', deliveryCount: 1, detail: 'invalid payload' }]);
    expect(calls).toBe(0);
    expect(logs.lines().find((line) => line.msg === 'message does not match its contract')).toMatchObject({
      level: 50,
      consumer: 'subscriptions-catalog',
      subject,
    });
  });

  it('when the payload is not JSON, then it is terminated as invalid', async () => {
    const { bus: observed, settlements } = observeSettlements(bus);
    await consumeEvents(observed, { spec, logger: logs.logger, routes: { [subject]: on(PackageAttachedV1, async () => {}) } });
    await bus.publish(subject, new TextEncoder().encode('{nope'), { msgId: 'm-1' });
    await eventually(() => settlements.length === 1, 'the message is settled');
    expect(settlements[0]).toMatchObject({ outcome: 'term', detail: 'invalid payload' });
  });

  it('when the handler throws a plain Error, then the message is redelivered with the retry delay and then acked', async () => {
    const { bus: observed, settlements } = observeSettlements(bus);
    const counts: number[] = [];
    await consumeEvents(observed, {
      spec,
      logger: logs.logger,
      retryDelayMs: (deliveryCount) => deliveryCount * 2,
      routes: {
        [subject]: on(PackageAttachedV1, async (_event, context) => {
          counts.push(context.deliveryCount);
          if (context.deliveryCount < 3) throw new Error('database hiccup');
        }),
      },
    });
    await publish({ packageId: 'p1', priceCents: 1 }, 'm-1');
    await eventually(() => settlements.some((s) => s.outcome === 'ack'), 'the message is acked');
    expect(counts).toEqual([1, 2, 3]);
    expect(settlements.map(({ outcome, deliveryCount, detail }) => [outcome, deliveryCount, detail])).toEqual([
      ['nak', 1, 2],
      ['nak', 2, 4],
      ['ack', 3, undefined],
    ]);
    expect(logs.lines().filter((line) => line.msg === 'handler failed, will retry')).toHaveLength(2);
  });

  it('when the handler throws a retryable DomainError, then the message is redelivered', async () => {
    const { bus: observed, settlements } = observeSettlements(bus);
    await consumeEvents(observed, {
      spec,
      logger: logs.logger,
      retryDelayMs: () => 1,
      routes: {
        [subject]: on(PackageAttachedV1, async (_event, context) => {
          if (context.deliveryCount === 1) throw new UnavailableError('SUBSCRIPTIONS_DB_DOWN', 'database down');
        }),
      },
    });
    await publish({ packageId: 'p1', priceCents: 1 }, 'm-1');
    await eventually(() => settlements.some((s) => s.outcome === 'ack'), 'the message is acked');
    expect(settlements.map((s) => s.outcome)).toEqual(['nak', 'ack']);
  });

  it('when the handler throws a non-retryable DomainError, then the message is terminated with its code', async () => {
    const { bus: observed, settlements } = observeSettlements(bus);
    let calls = 0;
    await consumeEvents(observed, {
      spec,
      logger: logs.logger,
      retryDelayMs: () => 1,
      routes: {
        [subject]: on(PackageAttachedV1, async () => {
          calls++;
          throw new ConflictError('SUBSCRIPTIONS_PACKAGE_LOCKED_BY_PLAN', 'locked', { rule: 'R4' });
        }),
      },
    });
    await publish({ packageId: 'p1', priceCents: 1 }, 'm-1');
    await eventually(() => settlements.length === 1, 'the message is settled');
    await settle();
    expect(settlements).toEqual([{ subject, outcome: 'term', deliveryCount: 1, detail: 'SUBSCRIPTIONS_PACKAGE_LOCKED_BY_PLAN' }]);
    expect(calls).toBe(1);
    expect(logs.lines().some((line) => line.msg === 'message refused for good')).toBe(true);
  });

  it('when a message has no msgId, then it is terminated because it cannot be handled idempotently', async () => {
    const { bus: observed, settlements } = observeSettlements(
      withConsume(bus, (consumerSpec, handler) => bus.consume(consumerSpec, (delivery) => handler({ ...delivery, msgId: undefined }))),
    );
    let calls = 0;
    await consumeEvents(observed, { spec, logger: logs.logger, routes: { [subject]: on(PackageAttachedV1, async () => void calls++) } });
    await publish({ packageId: 'p1', priceCents: 1 }, 'm-1');
    await eventually(() => settlements.length === 1, 'the message is settled');
    expect(settlements[0]).toMatchObject({ outcome: 'term', detail: 'missing msgId' });
    expect(calls).toBe(0);
  });

  it('when a subject has no route, then the message is acked and ignored', async () => {
    const { bus: observed, settlements } = observeSettlements(bus);
    let calls = 0;
    await consumeEvents(observed, { spec, logger: logs.logger, routes: { [subject]: on(PackageAttachedV1, async () => void calls++) } });
    await publish({ anything: true }, 'm-1', 'catalog.package.attached.v2');
    await eventually(() => settlements.length === 1, 'the message is settled');
    expect(settlements).toEqual([{ subject: 'catalog.package.attached.v2', outcome: 'ack', deliveryCount: 1, detail: undefined }]);
    expect(calls).toBe(0);
  });

  it('when routes of several subjects share a consumer, then each message reaches its own handler', async () => {
    const Detached = z.object({ packageId: z.string() });
    const seen: string[] = [];
    await consumeEvents(bus, {
      spec,
      logger: logs.logger,
      routes: {
        [subject]: on(PackageAttachedV1, async (event) => void seen.push(`attached ${event.packageId}`)),
        'catalog.package.detached.v1': on(Detached, async (event) => void seen.push(`detached ${event.packageId}`)),
      },
    });
    await publish({ packageId: 'p1', priceCents: 1 }, 'm-1');
    await publish({ packageId: 'p1' }, 'm-2', 'catalog.package.detached.v1');
    await eventually(() => seen.length === 2, 'both are handled');
    expect(seen).toEqual(['attached p1', 'detached p1']);
  });

  it('when the bus redelivers a message after an ack failure, then the handler sees the same msgId again', async () => {
    const ids: string[] = [];
    let failAck = true;
    const flaky = withConsume(bus, (consumerSpec, handler) =>
      bus.consume(consumerSpec, (delivery) =>
        handler({
          ...delivery,
          ack: async () => {
            if (failAck) {
              failAck = false;
              throw new Error('ack lost');
            }
            await delivery.ack();
          },
        }),
      ),
    );
    await consumeEvents(flaky, {
      spec,
      logger: logs.logger,
      retryDelayMs: () => 1,
      routes: { [subject]: on(PackageAttachedV1, async (_event, context) => void ids.push(context.msgId)) },
    });
    await publish({ packageId: 'p1', priceCents: 1 }, 'm-7');
    await eventually(() => ids.length === 2, 'the message is redelivered');
    expect(ids).toEqual(['m-7', 'm-7']);
  });
});

describe('redeliveryDelayMs', () => {
  it('when deliveries repeat, then the delay doubles from 0.5 s', () => {
    expect([1, 2, 3, 4, 5].map(redeliveryDelayMs)).toEqual([500, 1_000, 2_000, 4_000, 8_000]);
  });

  it('when deliveries keep failing, then the delay is capped at 30 s', () => {
    expect(redeliveryDelayMs(7)).toBe(30_000);
    expect(redeliveryDelayMs(50)).toBe(30_000);
    expect(redeliveryDelayMs(10_000)).toBe(30_000);
  });

  it('when the count is 0 or less, then the first delay applies', () => {
    expect(redeliveryDelayMs(0)).toBe(500);
    expect(redeliveryDelayMs(-3)).toBe(500);
  });
});
