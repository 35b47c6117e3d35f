/**
 * R17 at scale: how fast subscriptions gets through a burst of `billing.standing.changed.v1`
 * (the billing benchmark flips 100,000 customers at once; the target is well under 60 s).
 *
 * Seeds N customers (one enabled service holding a package of an integration that syncs
 * subscription status, entitlement records published), puts N standing changes in the BILLING
 * stream, starts subscriptions, and reports how long from its start until every customer's
 * standing was applied in the database and until every changed entitlement record was published
 * to the bus (the gateway's feed). Needs a real PostgreSQL and NATS:
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres NATS_URL=nats://127.0.0.1:4222 \
 *     npx tsx apps/subscriptions/test/standing-throughput.bench.ts [customers=10000] [batchSize=250]
 *
 * Prints one JSON object. Not part of the test suite: timings are never asserted.
 */
import { randomUUID } from 'node:crypto';
import { connectNatsBus, encodeJson } from '@sva/bus';
import { streams, subjects, type StandingChangedV1 } from '@sva/contracts';
import { createPrismaClient } from '@sva/db';
import { provisionDatabase, resolveNats } from '@sva/testing';
import { PrismaClient } from '../src/generated/prisma/client.ts';
import { migrationsDir } from '../src/index.ts';
import { buildSubscriptionsService } from '../src/service.ts';

const customers = Number(process.argv[2] ?? 10_000);
const batchSize = process.argv[3] ? Number(process.argv[3]) : undefined;
const poolMax = Number(process.env.SUBSCRIPTIONS_DATABASE_POOL_MAX ?? 10);
if (!process.env.DATABASE_URL || !process.env.NATS_URL) {
  console.error('set DATABASE_URL and NATS_URL (a real PostgreSQL and NATS)');
  process.exit(2);
}

const nats = await resolveNats();
const database = await provisionDatabase({ migrationsDir, label: 'standing_bench' });
const bus = await connectNatsBus({ servers: nats.url, prefix: nats.prefix });
const db = createPrismaClient(PrismaClient, { url: database.url, poolMax: 2 });
const config = {
    http: { host: '127.0.0.1', port: 0 },
    logLevel: 'warn',
    bus: { natsUrl: undefined, prefix: undefined },
    database: { url: database.url, poolMax },
    apiKeys: ['bench-api-key-0123456789abcdef'],
    loginHashKey: 'bench-login-hash-key-0123456789abcdef',
    catalogTimeoutMs: 2_000,
    republishOnStart: false,
    ...(batchSize ? { standingBatchSize: batchSize } : {}),
};
let running = await (await buildSubscriptionsService(config, { bus })).start();
const waitFor = async (what: string, probe: () => Promise<boolean>, timeoutMs = 600_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
const pendingOutbox = async () => (await db.outboxMessage.count({ where: { publishedAt: null } })) === 0;

try {
  // Seed: one integration (status sync on), one package, N customers each with an enabled service holding it.
  const integrationId = randomUUID();
  const packageId = randomUUID();
  await db.knownIntegration.create({ data: { id: integrationId, loginField: 'cpf_cnpj', singlePackage: false, syncSubscriptionStatus: true, active: true, version: 1 } });
  await db.knownPackage.create({ data: { id: packageId, description: 'Bench', priceCents: 990, active: true, grants: [{ integrationId, productCodes: ['mumo'] }], version: 1 } });
  const seedStart = performance.now();
  await db.$executeRaw`
    INSERT INTO customer (id, name, document_type, document_key, document_verifier, document_masked, updated_at)
    SELECT gen_random_uuid(), 'bench ' || i, 'cpf', 'bench-document-key-' || i, 'bench-document-verifier-' || i, '***', now()
    FROM generate_series(1, ${customers}) AS i`;
  await db.$executeRaw`
    INSERT INTO customer_service (id, customer_id, status, updated_at) SELECT gen_random_uuid(), id, 'enabled', now() FROM customer`;
  await db.$executeRaw`
    INSERT INTO service_package (id, service_id, package_id, price_cents, attached_at)
    SELECT gen_random_uuid(), id, ${packageId}::uuid, 990, now() FROM customer_service`;
  // The refresh worker publishes everyone's first record (subscriber ids created on the way, R13).
  await db.$executeRaw`INSERT INTO entitlement_refresh (customer_id) SELECT id FROM customer`;
  await waitFor('seed records', async () => (await db.entitlement.count()) === customers && (await pendingOutbox()));
  const seedMs = performance.now() - seedStart;

  // The burst: every customer turns delinquent at once. The events are in the stream before
  // subscriptions starts again (as after a billing pass), so that the figure is this consumer's,
  // not that of the publisher sharing its process.
  await running.stop();
  await bus.ensureStream(streams.billing);
  const ids = (await db.customer.findMany({ select: { id: true } })).map((c) => c.id);
  const publishStart = performance.now();
  const changedAt = new Date().toISOString();
  for (let i = 0; i < ids.length; i += 1_000) {
    await Promise.all(
      ids.slice(i, i + 1_000).map((customerId) => {
        const event: StandingChangedV1 = { customerId, version: 1, standing: 'delinquent', reason: 'invoice BENCH overdue', changedAt };
        return bus.publish(subjects.billing.standingChanged, encodeJson(event), { msgId: `bench-${customerId}-1` });
      }),
    );
  }
  const publishedMs = performance.now() - publishStart;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  running = await (await buildSubscriptionsService(config, { bus })).start();
  await waitFor('standing applied', async () => (await db.customer.count({ where: { standingVersion: 1 } })) === customers);
  const appliedMs = performance.now() - start;
  await waitFor('records published', async () => (await db.entitlement.count({ where: { version: 2 } })) === customers && (await pendingOutbox()));
  const recordsMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  console.log(
    JSON.stringify({
      bench: 'subscriptions standing changes (R17)',
      customers,
      poolMax,
      batchSize: batchSize ?? 250,
      seedMs: Math.round(seedMs),
      eventsPublishedMs: Math.round(publishedMs),
      standingAppliedMs: Math.round(appliedMs),
      recordsPublishedMs: Math.round(recordsMs),
      eventsPerSecond: Math.round(customers / (appliedMs / 1000)),
      recordsPerSecond: Math.round(customers / (recordsMs / 1000)),
      // CPU of this process (the service; the bench's own polling is small) per event, from its start.
      serviceCpuMicrosPerEvent: Math.round((cpu.user + cpu.system) / customers),
      projected100kSeconds: Math.round((100_000 / customers) * (recordsMs / 1000)),
    }),
  );
} finally {
  await running.stop();
  await db.$disconnect();
  await bus.close();
  await database.drop();
  await nats.stop();
}
