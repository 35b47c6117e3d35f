import { connectNatsBus, createMemoryBus, decodeJson, type Bus, type KvStore, type Subscription } from '@sva/bus';
import { pgSqlClient } from '@sva/db';
import { findNatsServer, provisionDatabase, stallBuckets, startPrivateNats, type PrivateNats, type ProvisionedDatabase } from '@sva/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { enqueue, OutboxRelay } from '../src/index.ts';

const migrationsDir = new URL('./fixtures/migrations', import.meta.url).pathname;
const silent = { warn: () => {}, error: () => {} };
const binary = findNatsServer();
const bucket = 'states';
const keys = Array.from({ length: 100 }, (_, i) => `item.${String(i).padStart(3, '0')}`);
const rounds = 5;

type State = { key: string; version: number };

/** Follow the bucket as the gateway's view does: keep the highest version seen per key. */
async function follow(store: KvStore, into: Map<string, number>): Promise<{ sub: Subscription; caughtUp: Promise<void> }> {
  let caughtUp!: () => void;
  const done = new Promise<void>((resolve) => (caughtUp = resolve));
  const sub = await store.watch({
    onEntry: (entry) => {
      if (entry.operation !== 'put') return;
      const { version } = decodeJson(entry.value) as State;
      if (version > (into.get(entry.key) ?? 0)) into.set(entry.key, version);
    },
    onCaughtUp: () => caughtUp(),
  });
  return { sub, caughtUp: done };
}

interface Setup {
  /** Two buses, as two replicas of a service each have their own connection. */
  readonly relayBuses: readonly [Bus, Bus];
  /** A bus for the readers (the gateways). */
  readonly readerBus: () => Promise<Bus>;
  /** Take the bus away and bring it back (a no-op in process). */
  readonly outage?: { stop(): Promise<void>; restart(): Promise<void> };
  close(): Promise<void>;
}

const setups: Array<[string, () => Promise<Setup>]> = [
  [
    'the in-process bus',
    async () => {
      const bus = createMemoryBus({ onError: () => {} });
      return { relayBuses: [bus, bus], readerBus: async () => bus, close: () => bus.close() };
    },
  ],
];
if (binary) {
  setups.push([
    'NATS stopped and started again (private nats-server)',
    async () => {
      const nats: PrivateNats = await startPrivateNats(binary);
      const opened: Bus[] = [];
      const open = async (name: string) => {
        const bus = await connectNatsBus({ servers: nats.url, prefix: 'race.', name, onError: () => {} });
        opened.push(bus);
        return bus;
      };
      return {
        relayBuses: [await open('replica-a'), await open('replica-b')],
        readerBus: () => open('reader'),
        outage: nats,
        async close() {
          for (const bus of opened) await bus.close();
          await nats.dispose();
        },
      };
    },
  ]);
}

describe.each(setups)('two outbox relays racing on the same keys, on %s', (_name, makeSetup) => {
  let database: ProvisionedDatabase;
  let db: ReturnType<typeof pgSqlClient>;
  let setup: Setup;

  beforeAll(async () => {
    database = await provisionDatabase({ migrationsDir, label: 'outbox_race' });
    db = pgSqlClient(database.url, database.poolMax);
    setup = await makeSetup();
  }, 60_000);

  afterAll(async () => {
    await setup?.close();
    await db?.end();
    await database?.drop();
  });

  /** Change every key `rounds` times, one transaction per change (the outbox then holds the rounds in order). */
  const change = async (of: readonly string[]) => {
    for (let version = 1; version <= rounds; version++) {
      for (const key of of) {
        await db.$transaction(async (tx) => {
          await tx.$executeRawUnsafe('INSERT INTO state (key, version) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version', key, version);
          await enqueue(tx, { bucket, key, payload: { key, version } });
        });
      }
    }
  };
  /** Keys whose state in the bucket is not the database's. */
  const staleKeys = async (store: KvStore, of: readonly string[]) => {
    const database = new Map((await db.$queryRawUnsafe<State[]>('SELECT key, version FROM state WHERE key = ANY($1)', of)).map((row) => [row.key, row.version]));
    const stale: string[] = [];
    for (const key of of) {
      const entry = await store.get(key);
      if (!entry || (decodeJson(entry.value) as State).version !== database.get(key)) stale.push(key);
    }
    return stale;
  };

  /** Pending rows no relay holds (counted by locking them for an instant). */
  const unlocked = () =>
    db.$transaction(async (tx) => {
      const rows = await tx.$queryRawUnsafe<unknown[]>('SELECT 1 FROM outbox_message WHERE published_at IS NULL FOR UPDATE SKIP LOCKED');
      return rows.length;
    });
  const pending = async () => (await db.$queryRawUnsafe<Array<{ n: number }>>('SELECT count(*)::int AS n FROM outbox_message WHERE published_at IS NULL'))[0]!.n;

  it('when one relay publishes old versions late while the other published the newer ones, then every key in KV equals the database, and a fresh reader loads what a running one holds', async () => {
    const reader = await setup.readerBus();
    const store = await reader.kv({ bucket });
    const running = new Map<string, number>();
    const runningWatch = await follow(store, running);
    await runningWatch.caughtUp;

    // Every key changes `rounds` times, one transaction per change: the outbox holds rounds in order.
    await change(keys);

    await setup.outage?.stop();
    // Replica A takes the oldest batch (version 1 of every key) and its writes stall.
    let release!: () => void;
    const opened = new Promise<void>((resolve) => (release = resolve));
    // A reaches the gate once its batch is selected and locked. Waiting for that (rather than
    // polling `unlocked`, whose own SKIP LOCKED could take the rows first and leave A none).
    let reached!: () => void;
    const atGate = new Promise<void>((resolve) => (reached = resolve));
    const gate = { then: (onOpen: () => void, onError: (error: unknown) => void) => (reached(), opened.then(onOpen, onError)) } as unknown as Promise<void>;
    const relayA = new OutboxRelay({ db, bus: stallBuckets(setup.relayBuses[0], gate), logger: silent, batchSize: keys.length });
    const stalledBatch = relayA.relayBatch();
    await atGate;
    expect(await unlocked()).toBe(keys.length * (rounds - 1));
    // Replica B relays the rest (SKIP LOCKED passes A's rows by), failing while the bus is away.
    const relayB = new OutboxRelay({ db, bus: setup.relayBuses[1], logger: silent, batchSize: keys.length, pollIntervalMs: 50 });
    await relayB.start();
    if (setup.outage) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await setup.outage.restart();
    }
    await vi.waitFor(async () => expect(await pending()).toBe(keys.length), { timeout: 60_000, interval: 100 });
    await relayB.stop();
    // A's client comes back: its old versions arrive after the newer ones.
    release();
    expect(await stalledBatch).toBe(keys.length);
    expect(await pending()).toBe(0);

    const database = new Map((await db.$queryRawUnsafe<State[]>('SELECT key, version FROM state')).map((row) => [row.key, row.version]));
    expect(database.size).toBe(keys.length);
    const stale = await staleKeys(store, keys);
    expect(stale, `${stale.length} of ${keys.length} keys hold an older state than the database`).toEqual([]);

    // The running reader kept the highest version it saw; a fresh one only has what the bucket holds.
    await vi.waitFor(() => expect(running).toEqual(database), { timeout: 10_000 });
    const fresh = new Map<string, number>();
    const freshWatch = await follow(await (await setup.readerBus()).kv({ bucket }), fresh);
    await freshWatch.caughtUp;
    expect(fresh).toEqual(running);
    await runningWatch.sub.stop();
    await freshWatch.sub.stop();
  }, 120_000);
});
