import { randomBytes } from 'node:crypto';
import { type Bus, encodeJson } from '@sva/bus';
import { buckets, entitlementKey } from '@sva/contracts';
import { pgSqlClient } from '@sva/db';
import { enqueue, OutboxRelay } from '@sva/outbox';
import pg from 'pg';
import { BENCH_INTEGRATION_ID, BENCH_SECRET, customerIdOf, entitlementOf, subscriberIdOf } from './gateway-records.ts';

/** Latencies from a committed change to the gateway answering the new state. */
export interface FreshnessResult {
  readonly path: string;
  readonly samples: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 100) / 100;
}

function summarise(path: string, latencies: number[]): FreshnessResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { path, samples: sorted.length, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), p99Ms: percentile(sorted, 99), maxMs: percentile(sorted, 100) };
}

/** Poll authorise until it answers `reason`; resolves with the time of the answer that had it. */
async function pollUntil(gatewayUrl: string, n: number, reason: string, timeoutMs: number): Promise<number> {
  const url = `${gatewayUrl}/v1/callback/${BENCH_INTEGRATION_ID}/${BENCH_SECRET}/authorise?subscriber_id=${subscriberIdOf(n)}&product=mumo`;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const response = await fetch(url);
    const body = (await response.json()) as { reason?: string };
    if (body.reason === reason) return performance.now();
    if (performance.now() > deadline) throw new Error(`customer ${n} still answers ${body.reason} after ${timeoutMs} ms`);
  }
}

/**
 * Flip customers between `active` and `suspended_debt` one at a time, writing each change as the
 * outbox relay does (a KV put with a de-duplication id), and time each until the gateway answers
 * it. `versions` carries each customer's current version across calls (start it above any version
 * an earlier run wrote, e.g. at the current time in seconds).
 */
export async function freshnessThroughKv(bus: Bus, gatewayUrl: string, customers: readonly number[], versions: Map<number, number>): Promise<FreshnessResult> {
  const kv = await bus.kv({ bucket: buckets.entitlements });
  const latencies: number[] = [];
  for (const n of customers) {
    const version = versions.get(n)! + 1;
    versions.set(n, version);
    const state = version % 2 === 0 ? 'suspended_debt' : 'active';
    const started = performance.now();
    await kv.put(entitlementKey(BENCH_INTEGRATION_ID, customerIdOf(n)), encodeJson(entitlementOf(n, version, state)), { msgId: randomBytes(12).toString('hex') });
    const answered = await pollUntil(gatewayUrl, n, state === 'active' ? 'subscribed' : 'service_suspended_debt', 10_000);
    latencies.push(answered - started);
  }
  return summarise('KV put with a msgId, as the outbox relay publishes (put → answer)', latencies);
}

/** The outbox table as every service's schema declares it (`libs/outbox/src/sql.ts`). */
const outboxDdl = `
CREATE TABLE "outbox_message" (
  "id" UUID NOT NULL PRIMARY KEY, "seq" BIGSERIAL NOT NULL UNIQUE, "kind" TEXT NOT NULL, "destination" TEXT NOT NULL,
  "key" TEXT, "payload" JSONB NOT NULL, "headers" JSONB NOT NULL DEFAULT '{}',
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "published_at" TIMESTAMPTZ(3));
CREATE INDEX ON "outbox_message"("published_at", "seq");`;

/**
 * The whole real path: each change is committed in PostgreSQL with its outbox row (as the
 * subscriptions service does), the relay is kicked, publishes the KV put, and the gateway's watch
 * applies it. Timed from the commit to the answer. Uses a scratch database it drops afterwards.
 */
export async function freshnessThroughOutbox(
  databaseUrl: string,
  bus: Bus,
  gatewayUrl: string,
  customers: readonly number[],
  versions: Map<number, number>,
): Promise<FreshnessResult> {
  const name = `sva_bench_gateway_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const db = pgSqlClient(url.toString(), 4);
  const relay = new OutboxRelay({ db, bus, logger: { warn: () => {}, error: (object, message) => process.stderr.write(`${message} ${JSON.stringify(object)}\n`) }, pollIntervalMs: 1_000 });
  try {
    await db.$executeRawUnsafe(outboxDdl);
    await relay.start();
    const latencies: number[] = [];
    for (const n of customers) {
      const version = versions.get(n)! + 1;
      versions.set(n, version);
      const state = version % 2 === 0 ? 'suspended_debt' : 'active';
      await db.$transaction((tx) => enqueue(tx, { bucket: buckets.entitlements, key: entitlementKey(BENCH_INTEGRATION_ID, customerIdOf(n)), payload: entitlementOf(n, version, state) }));
      const committed = performance.now();
      relay.kick();
      const answered = await pollUntil(gatewayUrl, n, state === 'active' ? 'subscribed' : 'service_suspended_debt', 10_000);
      latencies.push(answered - committed);
    }
    return summarise('PostgreSQL commit with an outbox row → relay (kicked) → KV put → gateway watch (commit → answer)', latencies);
  } finally {
    await relay.stop();
    await db.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
