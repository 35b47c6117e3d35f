import { randomUUID } from 'node:crypto';
import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { connectNatsBus, createMemoryBus, decodeJson, type Bus, type BusMessage } from '@sva/bus';
import { pgSqlClient } from '@sva/db';
import { provisionDatabase, resolveNats, type ProvisionedDatabase } from '@sva/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimMessage, enqueue, OutboxRelay } from '../src/index.ts';

const migrationsDir = new URL('./fixtures/migrations', import.meta.url).pathname;
const silent = { warn: () => {}, error: () => {} };
const nats = await resolveNats();

const buses: Array<[string, () => Promise<Bus>]> = [['in-process bus', async () => createMemoryBus()]];
if (nats.url) buses.push([`NATS (${nats.source})`, () => connectNatsBus({ servers: nats.url, prefix: `${nats.prefix.slice(0, -1)}${randomUUID().slice(0, 4)}.` })]);

describe.each(buses)('outbox on real PostgreSQL with the %s', (_name, makeBus) => {
  let database: ProvisionedDatabase;
  let db: ReturnType<typeof pgSqlClient>;
  let bus: Bus;
  const received: BusMessage[] = [];

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    database = await provisionDatabase({ migrationsDir, label: 'outbox' });
    db = pgSqlClient(database.url, database.poolMax);
    bus = await makeBus();
    await bus.ensureStream({ name: 'THINGS', subjects: ['things.>'] });
    await bus.consume({ stream: 'THINGS', durable: 'test' }, async (delivery) => {
      received.push(delivery);
      await delivery.ack();
    });
  });

  afterAll(async () => {
    await bus?.close();
    await db?.end();
    await database?.drop();
    context.disable();
    propagation.disable();
  });

  const pending = async () => (await db.$queryRawUnsafe<Array<{ n: number }>>('SELECT count(*)::int AS n FROM outbox_message WHERE published_at IS NULL'))[0]!.n;
  const eventually = async (condition: () => boolean | Promise<boolean>, timeoutMs = 5_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('when a change commits with its event, then the relay publishes it once with the row id as msgId and marks it sent', async () => {
    const id = randomUUID();
    await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('INSERT INTO thing (id, name) VALUES ($1, $2)', id, 'first');
      await enqueue(tx, { subject: 'things.thing.created.v1', payload: { id } });
    });
    const relay = new OutboxRelay({ db, bus, logger: silent });
    await relay.flush();
    const [row] = await db.$queryRawUnsafe<Array<{ id: string; published_at: Date | null }>>(
      "SELECT id::text, published_at FROM outbox_message WHERE payload->>'id' = $1",
      id,
    );
    expect(row?.published_at).toBeInstanceOf(Date);
    await eventually(() => received.some((m) => (decodeJson(m.data) as { id: string }).id === id));
    const delivered = received.filter((m) => (decodeJson(m.data) as { id: string }).id === id);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.msgId).toBe(row!.id);
    expect(delivered[0]!.subject).toBe('things.thing.created.v1');
  });

  it('when the transaction rolls back, then neither the change nor its event exists', async () => {
    const id = randomUUID();
    await expect(
      db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('INSERT INTO thing (id, name) VALUES ($1, $2)', id, 'doomed');
        await enqueue(tx, { subject: 'things.thing.created.v1', payload: { id } });
        throw new Error('business rule refused');
      }),
    ).rejects.toThrow('business rule refused');
    expect(await db.$queryRawUnsafe('SELECT 1 FROM thing WHERE id = $1', id)).toEqual([]);
    expect(await db.$queryRawUnsafe("SELECT 1 FROM outbox_message WHERE payload->>'id' = $1", id)).toEqual([]);
  });

  it('when the bus refuses to publish, then rows stay pending and a later relay publishes them', async () => {
    const id = randomUUID();
    await db.$transaction((tx) => enqueue(tx, { subject: 'things.thing.created.v1', payload: { id } }));
    const failing: Bus = { ...bus, publish: async () => Promise.reject(new Error('bus down')) };
    await expect(new OutboxRelay({ db, bus: failing, logger: silent }).relayBatch()).rejects.toThrow('bus down');
    expect(await pending()).toBe(1);
    await new OutboxRelay({ db, bus, logger: silent }).flush();
    expect(await pending()).toBe(0);
    await eventually(() => received.some((m) => (decodeJson(m.data) as { id: string }).id === id));
  });

  it('when a batch was published but the crash came before it was marked, then the bus stores it once', async () => {
    const id = randomUUID();
    await db.$transaction((tx) => enqueue(tx, { subject: 'things.thing.created.v1', payload: { id } }));
    const [row] = await db.$queryRawUnsafe<Array<{ id: string }>>("SELECT id::text FROM outbox_message WHERE payload->>'id' = $1", id);
    // What the relay did before "crashing": published, but did not mark the row.
    await bus.publish('things.thing.created.v1', new TextEncoder().encode(JSON.stringify({ id })), { msgId: row!.id });
    await new OutboxRelay({ db, bus, logger: silent }).flush();
    await eventually(() => received.some((m) => (decodeJson(m.data) as { id: string }).id === id));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received.filter((m) => (decodeJson(m.data) as { id: string }).id === id)).toHaveLength(1);
  });

  it('when a kv entry is enqueued, then it lands in its bucket under its key', async () => {
    await db.$transaction((tx) => enqueue(tx, { bucket: 'views', key: 'a.b', payload: { version: 7 } }));
    await new OutboxRelay({ db, bus, logger: silent }).flush();
    const entry = await (await bus.kv({ bucket: 'views' })).get('a.b');
    expect(decodeJson(entry!.value)).toEqual({ version: 7 });
  });

  it('when one batch holds several states of a key, then only the newest is written and all are marked sent', async () => {
    const key = `k.${randomUUID()}`;
    for (const version of [1, 3, 2]) await db.$transaction((tx) => enqueue(tx, { bucket: 'views', key, payload: { version } }));
    const store = await bus.kv({ bucket: 'views' });
    const puts: number[] = [];
    const watch = await store.watch({ onEntry: (e) => e.key === key && puts.push((decodeJson(e.value) as { version: number }).version) });
    await new OutboxRelay({ db, bus, logger: silent }).flush();
    expect(decodeJson((await store.get(key))!.value)).toEqual({ version: 3 });
    expect(await pending()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(puts).toEqual([3]);
    await watch.stop();
  });

  it('when a kv state carries no version, then enqueue refuses it', async () => {
    await expect(db.$transaction((tx) => enqueue(tx, { bucket: 'views', key: 'x', payload: { name: 'no version' } as never }))).rejects.toThrow(/no positive integer version/);
  });

  it('when kicked after a commit, then a running relay publishes without waiting for its poll', async () => {
    const relay = new OutboxRelay({ db, bus, logger: silent, pollIntervalMs: 60_000 });
    await relay.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const id = randomUUID();
      await db.$transaction((tx) => enqueue(tx, { subject: 'things.thing.created.v1', payload: { id } }));
      relay.kick();
      await eventually(() => received.some((m) => (decodeJson(m.data) as { id: string }).id === id), 2_000);
    } finally {
      await relay.stop();
    }
  });

  it('when enqueued inside a trace, then the published message carries that trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const id = randomUUID();
    const traced = trace.setSpanContext(context.active(), { traceId, spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED });
    await context.with(traced, () => db.$transaction((tx) => enqueue(tx, { subject: 'things.thing.created.v1', payload: { id } })));
    await new OutboxRelay({ db, bus, logger: silent }).flush();
    await eventually(() => received.some((m) => (decodeJson(m.data) as { id: string }).id === id));
    const message = received.find((m) => (decodeJson(m.data) as { id: string }).id === id)!;
    expect(message.headers.traceparent).toContain(traceId);
  });

  it('when a consumer claims a message twice, then only the first claim wins (inbox)', async () => {
    const msgId = randomUUID();
    expect(await db.$transaction((tx) => claimMessage(tx, 'c1', msgId))).toBe(true);
    expect(await db.$transaction((tx) => claimMessage(tx, 'c1', msgId))).toBe(false);
    expect(await db.$transaction((tx) => claimMessage(tx, 'c2', msgId))).toBe(true);
  });

  it('when published rows and handled-message records are older than the retention, then pruning deletes them, in slices, and nothing younger', async () => {
    // An hour's retention; rows an hour and a half old go, rows a minute old stay.
    const relay = new OutboxRelay({ db, bus, logger: silent, retentionMs: 3_600_000 });
    const consumer = `prune-${randomUUID()}`;
    await db.$executeRawUnsafe(
      `INSERT INTO processed_message (consumer, message_id, processed_at)
       SELECT $1, 'old-' || n, now() - interval '90 minutes' FROM generate_series(1, 12345) AS n
       UNION ALL SELECT $1, 'new-' || n, now() - interval '1 minute' FROM generate_series(1, 10) AS n`,
      consumer,
    );
    await db.$executeRawUnsafe(
      `INSERT INTO outbox_message (id, kind, destination, payload, created_at, published_at) VALUES
         ($1, 'event', 'things.pruned.v1', '{}', now() - interval '2 hours', now() - interval '90 minutes'),
         ($2, 'event', 'things.pruned.v1', '{}', now() - interval '2 minutes', now() - interval '1 minute'),
         ($3, 'event', 'things.pruned.v1', '{}', now() - interval '2 hours', NULL)`,
      randomUUID(),
      randomUUID(),
      randomUUID(),
    );
    const pruned = await relay.prune();
    expect(pruned).toEqual({ outbox: 1, processed: 12_345 });
    const left = await db.$queryRawUnsafe<Array<{ message_id: string }>>('SELECT message_id FROM processed_message WHERE consumer = $1 ORDER BY message_id', consumer);
    expect(left.map((row) => row.message_id)).toEqual(Array.from({ length: 10 }, (_, i) => `new-${i + 1}`).sort());
    // The unpublished row stays whatever its age: only what was sent is pruned.
    expect((await db.$queryRawUnsafe<Array<{ n: number }>>("SELECT count(*)::int AS n FROM outbox_message WHERE destination = 'things.pruned.v1'"))[0]!.n).toBe(2);
    await db.$executeRawUnsafe("DELETE FROM outbox_message WHERE destination = 'things.pruned.v1'");
  });
});

afterAll(() => nats.stop());
