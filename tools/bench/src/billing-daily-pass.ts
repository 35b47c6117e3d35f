/**
 * Benchmark: R16–R17 at scale. Loads 1M customers with invoices into billing-status's database
 * (bulk SQL), the 10% who will be affected into subscriptions's (with an entitlement on an
 * integration that syncs subscription status), starts billing-status, subscriptions and the
 * gateway as separate processes on real PostgreSQL and NATS, moves billing's clock past the grace
 * date of those 10%, runs the daily evaluation, and measures how long until every affected
 * entitlement reached the gateway (the gateway denies `mumo` with `service_suspended_debt`).
 *
 *   npm run bench:billing -w @sva/bench
 *
 * Prints one JSON report on stdout (progress on stderr). Environment: DATABASE_URL (a server
 * where it may create databases; default the local one), NATS_URL (default local),
 * BENCH_CUSTOMERS (1000000), BENCH_AFFECTED_EVERY (10), BENCH_TIMEOUT_MS (600000),
 * BENCH_KEEP=1 keeps the databases and streams afterwards. Not part of `npm test`.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { migrationsDir as billingMigrations } from '@sva/billing-status';
import { connectNatsBus, encodeJson } from '@sva/bus';
import { buckets, entitlementKey, streams, type GatewayIntegrationV1 } from '@sva/contracts';
import { applyMigrations, withDatabaseName } from '@sva/db';
import { migrationsDir as subscriptionsMigrations } from '@sva/subscriptions';
import { deleteRunStreams, freePort } from '@sva/testing';
import { benchCustomerId, seedBilling, seedSubscriptions, shiftDay } from './billing-seed.ts';
import { ArrivalTracker, percentile, stage } from './billing-timeline.ts';
import { cpuSeconds, cpuSecondsOf, ready as readyz, runSql, runBenchmark, ServiceProcesses, withClient } from './bench-kit.ts';

const env = process.env;
const options = {
  customers: Number(env.BENCH_CUSTOMERS ?? 1_000_000),
  affectedEvery: Number(env.BENCH_AFFECTED_EVERY ?? 10),
  timeoutMs: Number(env.BENCH_TIMEOUT_MS ?? 600_000),
  keep: env.BENCH_KEEP === '1',
  databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
  graceDays: 5,
  /** The day the services start on; the pass runs on the next. 12:00 UTC is 09:00 in São Paulo, after the 06:00 evaluation time. */
  day: '2026-11-20',
  gatewaySample: 1_000,
  targetMs: 60_000,
};

const log = (message: string) => process.stderr.write(`[bench:billing ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

const run = randomBytes(3).toString('hex');
const prefix = `bench${run}.`;
const logDir = path.join(tmpdir(), `sva-bench-${run}`);
const names = { billing: `bench_billing_${run}`, subscriptions: `bench_subscriptions_${run}` };
const urls = { billing: withDatabaseName(options.databaseUrl, names.billing), subscriptions: withDatabaseName(options.databaseUrl, names.subscriptions) };
const apiKey = randomBytes(32).toString('base64url');
const loginHashKey = randomBytes(32).toString('base64url');
const integrationId = randomUUID();
const callbackSecret = randomBytes(32).toString('base64url');
const services = new ServiceProcesses(logDir, { ...env, LOG_LEVEL: 'warn', NATS_URL: options.natsUrl, BUS_PREFIX: prefix }, log);
const start = services.start.bind(services);
const admin = (sql: string) => runSql(options.databaseUrl, sql);
const ready = (name: string, url: string) => readyz(name, url, 300_000, logDir);
/** Closed first on the way out, newest first (watches before the bus). */
const closers: Array<() => Promise<unknown>> = [];

async function cleanup(): Promise<void> {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await services.stopAll();
  if (options.keep) {
    log(`kept databases ${names.billing}, ${names.subscriptions} and NATS prefix ${prefix}`);
    return;
  }
  for (const name of Object.values(names)) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
  await deleteRunStreams(options.natsUrl, prefix);
}

async function main() {
  mkdirSync(logDir, { recursive: true });
  const affected = Array.from({ length: Math.ceil(options.customers / options.affectedEvery) }, (_, k) => k * options.affectedEvery);
  log(`run ${run}: ${options.customers} customers, ${affected.length} affected; logs in ${logDir}`);

  // 1. Databases, migrated, then seeded in bulk (both at once).
  const seedStarted = performance.now();
  for (const name of Object.values(names)) await admin(`CREATE DATABASE ${name}`);
  await applyMigrations({ url: urls.billing, migrationsDir: billingMigrations });
  await applyMigrations({ url: urls.subscriptions, migrationsDir: subscriptionsMigrations });
  const packageId = randomUUID();
  const startedAt = new Date(`${options.day}T12:00:00Z`);
  const [billingSeed, subscriberIds] = await Promise.all([
    withClient(urls.billing, async (client) => {
      const t = performance.now();
      const result = await seedBilling(client, { customers: options.customers, affectedEvery: options.affectedEvery, day: options.day, graceDays: options.graceDays });
      log(`billing seeded: ${options.customers} customers, ${result.invoices} invoices, ${result.facts} facts in ${Math.round(performance.now() - t)} ms`);
      return { ...result, ms: Math.round(performance.now() - t) };
    }),
    withClient(urls.subscriptions, async (client) => {
      const t = performance.now();
      const ids = await seedSubscriptions(client, { customerIndexes: affected, integrationId, packageId, loginHashKey, at: new Date(startedAt.getTime() - 30 * 86_400_000) });
      log(`subscriptions seeded: ${ids.length} customers with an entitlement in ${Math.round(performance.now() - t)} ms`);
      return ids;
    }),
  ]);
  const seedMs = Math.round(performance.now() - seedStarted);

  // 2. What the catalog would have published: the integration, in the gateway's bucket.
  const bus = await connectNatsBus({ servers: options.natsUrl, prefix, name: 'bench' });
  closers.push(() => bus.close());
  const integration: GatewayIntegrationV1 = {
    integrationId,
    version: 1,
    active: true,
    loginField: 'cpf_cnpj',
    syncSubscriptionStatus: true,
    secretVerifiers: [{ sha256: createHash('sha256').update(callbackSecret).digest('base64url'), validUntil: null }],
  };
  await (await bus.kv({ bucket: buckets.gatewayIntegrations })).put(integrationId, encodeJson(integration));

  // 3. The services, each in its own process. Subscriptions puts its 100k entitlements on the bus
  // at start (REPUBLISH_ON_START), the gateway bootstraps its view from them.
  const ports = { billing: await freePort(), subscriptions: await freePort(), gateway: await freePort() };
  const bootStarted = performance.now();
  const subscriptions = start('subscriptions', {
    SUBSCRIPTIONS_PORT: String(ports.subscriptions),
    SUBSCRIPTIONS_HOST: '127.0.0.1',
    SUBSCRIPTIONS_DATABASE_URL: urls.subscriptions,
    SUBSCRIPTIONS_API_KEYS: apiKey,
    LOGIN_HASH_KEY: loginHashKey,
    REPUBLISH_ON_START: 'true',
  });
  await ready('subscriptions', `http://127.0.0.1:${ports.subscriptions}`);
  const republishMs = Math.round(performance.now() - bootStarted);
  log(`subscriptions ready (entitlements republished) in ${republishMs} ms`);
  const gateway = start('gateway', { GATEWAY_PORT: String(ports.gateway), GATEWAY_HOST: '127.0.0.1', LOGIN_HASH_KEY: loginHashKey });
  const billing = start('billing', {
      BILLING_PORT: String(ports.billing),
      BILLING_HOST: '127.0.0.1',
      BILLING_DATABASE_URL: urls.billing,
      BILLING_API_KEYS: apiKey,
      BILLING_GRACE_DAYS: String(options.graceDays),
      // The pass is started by the benchmark (below); the scheduler would only add its tick to the figure.
      BILLING_SCHEDULER_INTERVAL_MS: '3600000',
      BENCH_CLOCK_START: startedAt.toISOString(),
  });
  await Promise.all([ready('gateway', `http://127.0.0.1:${ports.gateway}`), ready('billing', `http://127.0.0.1:${ports.billing}`)]);
  log(`all services ready in ${Math.round(performance.now() - bootStarted)} ms`);

  // 4. Watch the pipeline's two visible points: the BILLING stream (its state, read from the
  // server: no deliveries to this process) and the entitlements bucket (the same feed the
  // gateway's view follows; records matched on their bytes, not parsed, to stay cheap).
  const affectedKeys = new Map(affected.map((i, k) => [entitlementKey(integrationId, benchCustomerId(i)), subscriberIds[k]!]));
  const suspended = new ArrivalTracker();
  let lastSuspendedKey = '';
  const nc = await connect({ servers: options.natsUrl, name: 'bench-stream-state' });
  closers.push(() => nc.close());
  const jsm = await jetstreamManager(nc);
  const billingStream = `${prefix.slice(0, -1).replace(/[^A-Za-z0-9_-]/g, '_').toUpperCase()}_${streams.billing.name}`;
  const streamState = async () => (await jsm.streams.info(billingStream)).state;
  const suspendedDebt = Buffer.from('"suspended_debt"');
  let caughtUp!: () => void;
  const bootstrapped = new Promise<void>((resolve) => (caughtUp = resolve));
  const watch = await (await bus.kv({ bucket: buckets.entitlements })).watch({
    onEntry: (entry) => {
      if (entry.operation !== 'put' || !affectedKeys.has(entry.key)) return;
      if (Buffer.from(entry.value.buffer, entry.value.byteOffset, entry.value.byteLength).includes(suspendedDebt)) {
        suspended.record(entry.key, Date.now());
        lastSuspendedKey = entry.key;
      }
    },
    onCaughtUp: () => caughtUp(),
  });
  closers.push(() => watch.stop());
  await bootstrapped;
  const callback = `http://127.0.0.1:${ports.gateway}/v1/callback/${integrationId}/${callbackSecret}`;
  const authorise = async (subscriberId: string) => (await fetch(`${callback}/authorise?subscriber_id=${subscriberId}&product=mumo`)).json() as Promise<{ allowed: boolean; reason: string }>;
  const before = await authorise(subscriberIds[0]!);
  if (!before.allowed) throw new Error(`the gateway should allow before the pass, answered ${JSON.stringify(before)}`);

  // 5. Move the clock to the next day and run the daily evaluation.
  const processes = { billing, subscriptions, gateway };
  const cpu = () => ({
    ...Object.fromEntries(Object.entries(processes).map(([name, child]) => [name, cpuSeconds(child.pid)])),
    benchmark: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
    postgresAllDatabases: cpuSecondsOf('postgres'),
    natsServer: cpuSecondsOf('nats-server'),
  });
  const cpuBefore = cpu();
  const loadBefore = loadavg()[0]!;
  const t0 = Date.now();
  await new Promise<void>((resolve) => {
    billing.once('message', () => resolve());
    billing.send({ type: 'clock', now: `${shiftDay(options.day, 1)}T12:00:00.000Z` });
  });
  const day = shiftDay(options.day, 1);
  const started = await fetch(`http://127.0.0.1:${ports.billing}/v1/daily-evaluations`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` } });
  if (started.status !== 202) throw new Error(`daily evaluation refused: ${started.status} ${await started.text()}`);
  type Evaluation = { finishedAt: string | null; changed: number; candidates: number; batches: number; durationMs: number; candidatesMs: number };
  let pass: Evaluation;
  for (;;) {
    const found = (await (await fetch(`http://127.0.0.1:${ports.billing}/v1/daily-evaluations/${day}`, { headers: { authorization: `Bearer ${apiKey}` } })).json()) as Evaluation;
    if (found.finishedAt) {
      pass = found;
      break;
    }
    if (Date.now() - t0 > options.timeoutMs) throw new Error('the daily evaluation did not finish in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const passDone = Date.now();
  log(`daily evaluation: ${pass.changed} standings changed out of ${pass.candidates} candidates in ${pass.durationMs} ms`);

  const progress = setInterval(() => {
    void streamState().then(
      (state) => log(`billing events on the stream: ${state.messages}, entitlements suspended at the gateway feed: ${suspended.count}/${affectedKeys.size}`),
      () => undefined,
    );
  }, 5_000);
  let timedOut = false;
  let deadline: NodeJS.Timeout | undefined;
  await Promise.race([
    suspended.reached(affectedKeys.size),
    new Promise<void>((resolve) => (deadline = setTimeout(() => ((timedOut = true), resolve()), options.timeoutMs))),
  ]);
  clearTimeout(deadline);
  clearInterval(progress);
  const feedDone = Date.now();
  const cpuAfter = cpu();
  const loadAfter = loadavg()[0]!;
  const billingEvents = await streamState();

  // 6. At the gateway itself: the last entitlement to arrive is denied, and so is a sample.
  let gatewayLastMs: number | null = null;
  if (!timedOut) {
    const lastSubscriber = affectedKeys.get(lastSuspendedKey)!;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const answer = await authorise(lastSubscriber);
      if (answer.reason === 'service_suspended_debt') {
        gatewayLastMs = Date.now() - t0;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  const sample = [...affectedKeys.values()].sort(() => Math.random() - 0.5).slice(0, options.gatewaySample);
  const answers: string[] = [];
  const latencies: number[] = [];
  for (let i = 0; i < sample.length; i += 20) {
    await Promise.all(
      sample.slice(i, i + 20).map(async (subscriberId) => {
        const t = performance.now();
        answers.push((await authorise(subscriberId)).reason);
        latencies.push(performance.now() - t);
      }),
    );
  }

  // 7. Where the time went, from the services' own tables.
  const billingOutbox = await withClient(urls.billing, async (client) =>
    (await client.query(`SELECT count(*)::int AS n, min(created_at) AS first, max(created_at) AS last, max(published_at) AS published FROM outbox_message WHERE destination = 'billing.standing.changed.v1'`)).rows[0],
  );
  const [consumer, kvOutbox] = await withClient(urls.subscriptions, async (client) => [
    (await client.query(`SELECT count(*)::int AS n, min(updated_at) AS first, max(updated_at) AS last FROM customer WHERE delinquent`)).rows[0],
    (await client.query(`SELECT count(*)::int AS n, min(created_at) AS first, max(created_at) AS last, max(published_at) AS published FROM outbox_message WHERE kind = 'kv' AND created_at >= $1`, [new Date(t0)])).rows[0],
  ]);
  const reachedMs = gatewayLastMs ?? (timedOut ? null : feedDone - t0);
  const report = {
    benchmark: 'billing-daily-pass',
    description: 'Time from moving billing-status\'s clock past the grace date of 10% of 1M customers (and starting the daily evaluation) until every affected entitlement reached the gateway (it denies with service_suspended_debt).',
    run,
    customers: options.customers,
    invoices: billingSeed.invoices,
    affected: affectedKeys.size,
    result: {
      reachedGatewayMs: reachedMs,
      targetMs: options.targetMs,
      withinTarget: reachedMs !== null && reachedMs <= options.targetMs,
      timedOut,
      suspendedAtGatewayFeed: suspended.count,
    },
    breakdown: {
      dailyPass: {
        doneMs: passDone - t0,
        durationMs: pass.durationMs,
        candidatesQueryMs: pass.candidatesMs,
        judgeAndWriteMs: pass.durationMs - pass.candidatesMs,
        batches: pass.batches,
        candidates: pass.candidates,
        changed: pass.changed,
      },
      billingOutboxWritten: stage(t0, billingOutbox.first, billingOutbox.last, billingOutbox.n),
      billingRelayToStream: {
        ...stage(t0, Date.parse(billingEvents.first_ts), Date.parse(billingEvents.last_ts), billingEvents.messages),
        outboxMarkedPublishedLastMs: billingOutbox.published ? Number(billingOutbox.published) - t0 : null,
      },
      subscriptionsConsumer: stage(t0, consumer.first, consumer.last, consumer.n),
      subscriptionsOutboxWritten: stage(t0, kvOutbox.first, kvOutbox.last, kvOutbox.n),
      subscriptionsRelayToKv: { lastMarkedPublishedMs: kvOutbox.published ? Number(kvOutbox.published) - t0 : null },
      gatewayFeed: stage(t0, suspended.span.first, suspended.span.last, suspended.count),
      gatewayAnswersLastKeyMs: gatewayLastMs,
      notes: [
        'ms are after t0 (the clock move); firstMs/lastMs of a stage are when its first and last item passed it',
        'outbox published_at is the relay transaction start, so it precedes the batch it marks by up to one batch',
        'billingRelayToStream first/last are the BILLING stream\'s own first and last message times (server clock)',
        'gatewayFeed is observed by a KV watch in the benchmark process, the same feed the gateway view follows',
      ],
    },
    gatewaySample: {
      asked: sample.length,
      suspendedDebt: answers.filter((reason) => reason === 'service_suspended_debt').length,
      otherReasons: [...new Set(answers.filter((reason) => reason !== 'service_suspended_debt'))],
      latencyMsP50: round(percentile(latencies, 50)),
      latencyMsP99: round(percentile(latencies, 99)),
    },
    cpuSecondsDuringMeasurement: {
      ...Object.fromEntries(
        Object.entries(cpuAfter).map(([name, after]) => {
          const before = cpuBefore[name as keyof typeof cpuBefore];
          return [name, after === null || before === null || before === undefined ? null : Math.round((after - before) * 10) / 10];
        }),
      ),
      wallSeconds: Math.round((feedDone - t0) / 100) / 10,
      note: 'postgres and nats-server are shared with whatever else runs on the machine; 2 cores give at most 2 CPU seconds per second',
    },
    loadAverage1m: { before: loadBefore, after: loadAfter },
    setup: { seedMs, billingSeedMs: billingSeed.ms, republishAndBootMs: republishMs },
    machine: { cpus: cpus().length, node: process.version, databaseUrl: options.databaseUrl.replace(/\/\/[^@]*@/, '//'), natsUrl: options.natsUrl },
    logs: logDir,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (timedOut) process.exitCode = 1;
}

const round = (value: number | null) => (value === null ? null : Math.round(value * 100) / 100);

await runBenchmark(main, cleanup, log);
