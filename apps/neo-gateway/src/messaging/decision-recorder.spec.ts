import { type Bus, createMemoryBus, decodeJson } from '@sva/bus';
import { DecisionsRecordedV1, streams, subjects } from '@sva/contracts';
import { createLogger } from '@sva/service-kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDecisionRecorder, type DecisionRecorder } from './decision-recorder.ts';

const logger = createLogger({ name: 'test', level: 'silent' });
const integration = '0b9f8a84-8a39-4d6f-9b6f-6f0f7f0e5d11';

/** A memory bus whose publishes can be made to fail, as when NATS is unreachable. */
function flakyBus(): { bus: Bus; down: (value: boolean) => void } {
  const inner = createMemoryBus({ onError: () => {} });
  let isDown = false;
  const bus: Bus = Object.create(inner, {
    publish: { value: (...args: Parameters<Bus['publish']>) => (isDown ? Promise.reject(new Error('bus down')) : inner.publish(...args)) },
  });
  return { bus, down: (value) => (isDown = value) };
}

async function collect(bus: Bus): Promise<{ batches: DecisionsRecordedV1[]; msgIds: string[] }> {
  await bus.ensureStream(streams.gateway);
  const batches: DecisionsRecordedV1[] = [];
  const msgIds: string[] = [];
  await bus.consume({ stream: streams.gateway.name, durable: 'audit-test', filterSubject: subjects.gateway.decisionsRecorded }, async (delivery) => {
    batches.push(DecisionsRecordedV1.parse(decodeJson(delivery.data)));
    msgIds.push(delivery.msgId ?? '');
    await delivery.ack();
  });
  return { batches, msgIds };
}

describe('decision recorder (audit)', () => {
  let recorder: DecisionRecorder | undefined;
  const buses: Bus[] = [];
  afterEach(async () => {
    await recorder?.stop();
    for (const bus of buses.splice(0)) await bus.close();
  });

  it('when decisions reach the batch size, then full batches are published at once, the rest on the timer', async () => {
    const bus = createMemoryBus();
    buses.push(bus);
    const { batches } = await collect(bus);
    recorder = createDecisionRecorder({ bus, gatewayId: 'gw-1', batchSize: 3, flushIntervalMs: 60_000, maxBuffered: 1_000, logger });
    await recorder.start();
    for (let i = 0; i < 7; i++) recorder.record(integration, `sub-${i}`, 'mumo', i % 2 ? 'subscribed' : 'not_subscribed', 120 + i, Date.parse('2026-11-28T00:00:00Z') + i);
    await vi.waitFor(() => expect(batches).toHaveLength(2));
    expect(batches.map((b) => b.decisions.length)).toEqual([3, 3]);
    expect(batches[0]).toEqual({
      gatewayId: 'gw-1',
      decisions: [
        { integrationId: integration, subscriberId: 'sub-0', product: 'mumo', allowed: false, reason: 'not_subscribed', latencyMicros: 120, at: '2026-11-28T00:00:00.000Z' },
        { integrationId: integration, subscriberId: 'sub-1', product: 'mumo', allowed: true, reason: 'subscribed', latencyMicros: 121, at: '2026-11-28T00:00:00.001Z' },
        { integrationId: integration, subscriberId: 'sub-2', product: 'mumo', allowed: false, reason: 'not_subscribed', latencyMicros: 122, at: '2026-11-28T00:00:00.002Z' },
      ],
    });
    await recorder.flush();
    await vi.waitFor(() => expect(batches.map((b) => b.decisions.length)).toEqual([3, 3, 1]));
    expect(recorder.stats()).toMatchObject({ buffered: 0, published: 7, dropped: 0 });
  });

  it('when a subscriber id holds quotes, backslashes or any Unicode, then the batch is still valid JSON carrying it exactly', async () => {
    const bus = createMemoryBus();
    buses.push(bus);
    const { batches } = await collect(bus);
    recorder = createDecisionRecorder({ bus, gatewayId: 'gw-"1"', batchSize: 1_000, flushIntervalMs: 20, maxBuffered: 1_000, logger });
    await recorder.start();
    const odd = 'sub-"quoted"\\\n-ção-😀-\u0000';
    recorder.record(integration, odd, 'mumo', 'unknown_subscriber', 0, Date.parse('2026-11-28T00:00:00.123Z'));
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    expect(batches[0]).toEqual({ gatewayId: 'gw-"1"', decisions: [expect.objectContaining({ subscriberId: odd, at: '2026-11-28T00:00:00.123Z' })] });
  });

  it('when a batch is larger than the writer\'s first buffer, then every decision arrives intact, escaped ones among plain ones', async () => {
    const bus = createMemoryBus();
    buses.push(bus);
    const { batches } = await collect(bus);
    recorder = createDecisionRecorder({ bus, gatewayId: 'gw-1', batchSize: 10_000, flushIntervalMs: 60_000, maxBuffered: 20_000, logger });
    await recorder.start();
    // ≈ 2.5 MB of JSON: the 256 KiB write buffer grows several times, some of it mid-escape.
    const id = (i: number) => (i % 997 === 0 ? `"é\\${i}"`.padEnd(64, 'ç') : `${i}`.padStart(64, 'x'));
    for (let i = 0; i < 10_000; i++) recorder.record(integration, id(i), 'mumo', i % 2 === 0 ? 'subscribed' : 'not_subscribed', i, Date.parse('2026-11-28T00:00:00Z') + i);
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    const decisions = batches[0]!.decisions;
    expect(decisions.map((d) => d.subscriberId)).toEqual(Array.from({ length: 10_000 }, (_, i) => id(i)));
    expect(decisions[9_999]).toEqual({
      integrationId: integration,
      subscriberId: id(9_999),
      product: 'mumo',
      allowed: false,
      reason: 'not_subscribed',
      latencyMicros: 9_999,
      at: '2026-11-28T00:00:09.999Z',
    });
  });

  it('when the bus is away, then the buffer grows as needed (up to its bound) and keeps the decisions in order', async () => {
    const { bus, down } = flakyBus();
    buses.push(bus);
    const { batches } = await collect(bus);
    recorder = createDecisionRecorder({ bus, gatewayId: 'gw-1', batchSize: 500, flushIntervalMs: 10, maxBuffered: 50_000, logger });
    await recorder.start();
    down(true);
    for (let i = 0; i < 20_000; i++) recorder.record(integration, `sub-${i}`, 'mumo', 'subscribed', 1, Date.now());
    await vi.waitFor(() => expect(recorder!.stats().failedPublishes).toBeGreaterThan(0));
    expect(recorder.stats()).toMatchObject({ buffered: 20_000, dropped: 0 });
    down(false);
    await vi.waitFor(() => expect(batches.reduce((n, b) => n + b.decisions.length, 0)).toBe(20_000), { timeout: 15_000 });
    expect(recorder.stats()).toMatchObject({ buffered: 0, published: 20_000, dropped: 0 });
    expect(batches.flatMap((b) => b.decisions.map((d) => d.subscriberId))).toEqual(Array.from({ length: 20_000 }, (_, i) => `sub-${i}`));
  });

  it('when few decisions come, then they are published within the flush interval', async () => {
    const bus = createMemoryBus();
    buses.push(bus);
    const { batches } = await collect(bus);
    recorder = createDecisionRecorder({ bus, gatewayId: 'gw-1', batchSize: 1_000, flushIntervalMs: 20, maxBuffered: 1_000, logger });
    await recorder.start();
    recorder.record(integration, 'sub-1', 'mumo', 'view_stale', 5, Date.now());
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    expect(batches[0]!.decisions[0]).toMatchObject({ reason: 'view_stale', allowed: false });
  });

  it('when the bus is down for long, then memory stays bounded: the oldest decisions are dropped and counted, the rest published once it is back', async () => {
    const { bus, down } = flakyBus();
    buses.push(bus);
    const { batches, msgIds } = await collect(bus);
    recorder = createDecisionRecorder({ bus, gatewayId: 'gw-1', batchSize: 10, flushIntervalMs: 10, maxBuffered: 25, logger });
    await recorder.start();
    down(true);
    for (let i = 0; i < 100; i++) recorder.record(integration, `sub-${i}`, 'mumo', 'subscribed', 1, Date.now());
    await vi.waitFor(() => expect(recorder!.stats().failedPublishes).toBeGreaterThan(0));
    expect(recorder.stats().buffered).toBeLessThanOrEqual(25);
    expect(recorder.stats().dropped).toBeGreaterThanOrEqual(75);
    down(false);
    await vi.waitFor(() => expect(recorder!.stats().buffered).toBe(0), { timeout: 10_000 });
    const published = batches.flatMap((b) => b.decisions.map((d) => d.subscriberId));
    expect(published.length + recorder.stats().dropped).toBe(100);
    // The newest survive: the last decision recorded is among the published ones.
    expect(published).toContain('sub-99');
    expect(new Set(msgIds).size).toBe(msgIds.length);
  });
});
