import { randomBytes, randomUUID } from 'node:crypto';
import type { Bus } from '@sva/bus';
import { streams } from '@sva/contracts';
import { copyOut, createPgPool, createPrismaClient } from '@sva/db';
import { systemClock, type Clock, type ScheduledJobs } from '@sva/kernel';
import { OutboxRelay } from '@sva/outbox';
import { busCheck, createHttpApp, createLogger, databaseCheck, openBus, readinessOf, serviceHost, type Logger, type Service } from '@sva/service-kit';
import { subscriptionsDefaults, type SubscriptionsConfig } from './config.ts';
import type { SubscriptionsContext } from './context.ts';
import { createLoginHasher } from './domain/login-keys.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { customerRoutes } from './http/customers.routes.ts';
import { serviceRoutes } from './http/services.routes.ts';
import { supportRoutes } from './http/support.routes.ts';
import { billingRoutes } from './billing/http/billing.routes.ts';
import type { BillingSettings } from './billing/domain/billing-lines.ts';
import { billingCloseJob } from './billing/use-cases/billing-lines.ts';
import { publishLinesStep } from './billing/use-cases/publish-lines.ts';
import { catalogEventsConsumer } from './messaging/catalog-events.consumer.ts';
import { decisionsConsumer } from './messaging/decisions.consumer.ts';
import { periodicWorker } from './messaging/periodic-worker.ts';
import { republishEntitlements } from './messaging/republish.ts';
import { rebindVerifiers } from './use-cases/rebind-verifiers.ts';
import { loginsToRekey, rekeyLogins } from './use-cases/rekey-logins.ts';
import { standingConsumer } from './messaging/standing.consumer.ts';
import { catalogReader } from './repositories/catalog-replica.ts';
import { pruneIdempotencyKeys } from './repositories/idempotency.ts';
import { pruneDecisions } from './use-cases/decisions.ts';
import { drainRefreshQueue } from './use-cases/refresh-queue.ts';
import { expireTrials } from './use-cases/trials.ts';

/** What the embedded mode and tests may inject instead of the defaults. */
export interface SubscriptionsDependencies {
  /** A shared bus (the embedded mode's in-process bus). When absent, connects to NATS and owns the connection. */
  readonly bus?: Bus;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Where its time-driven work is registered, for whoever moves the clock to run it at once (the demo clock). */
  readonly jobs?: ScheduledJobs;
}

export const SUBSCRIPTIONS_VERSION = '0.1.0';

/**
 * Build subscriptions: database, bus, outbox relay, the consumers (catalog, billing standing,
 * gateway decisions), the background jobs (entitlement refresh queue, trial expiry,
 * housekeeping) and the operator API.
 */
export async function buildSubscriptionsService(config: SubscriptionsConfig, deps: SubscriptionsDependencies = {}): Promise<Service> {
  const logger = deps.logger ?? createLogger({ name: 'subscriptions', level: config.logLevel });
  // One pool for Prisma and the exports' COPY: together they keep to the configured limit.
  const pool = createPgPool({ url: config.database.url, poolMax: config.database.poolMax });
  const db = createPrismaClient(PrismaClient, { pool });
  const { bus, resources: busResources } = await openBus(config.bus, 'subscriptions', deps.bus);
  // Streams this service reads are declared here too, so its consumers can start before their publishers.
  for (const stream of [streams.subscriptions, streams.catalog, streams.billing, streams.gateway]) await bus.ensureStream(stream);

  const relay = new OutboxRelay({ db, bus, logger });
  const clock = deps.clock ?? systemClock;
  const ctx: SubscriptionsContext = {
    db,
    copyOut: (copySql) => copyOut(pool, copySql),
    transaction: async (work) => {
      // Generous limits: on embedded PGlite (one connection) transactions queue for the connection.
      const result = await db.$transaction(work, { maxWait: 30_000, timeout: 60_000 });
      relay.kick();
      return result;
    },
    clock,
    newId: randomUUID,
    newSubscriberId: () => randomBytes(16).toString('base64url'),
    hasher: createLoginHasher(config.loginHashKey, config.previousLoginHashKeys ?? []),
    catalog: catalogReader(db, bus, config.catalogTimeoutMs),
    timeZone: config.timeZone ?? subscriptionsDefaults.timeZone,
    // The refresh worker is built just below, from this context; it is only kicked once running.
    kickRefresh: () => refresh.kick(),
  };
  const refresh = periodicWorker('entitlement-refresh', 1_000, logger, async () => (await drainRefreshQueue(ctx)) > 0);
  const sweepTrials = async () => {
    const report = await expireTrials(ctx);
    if (report.queued + report.closed + report.removedDirectly + report.removedAfterExclusion > 0) logger.info(report, 'trials expired');
    if (report.failed > 0) logger.warn(report, 'trial expiry failed for some customers; they are retried with backoff (GET /v1/trial-expiry/failures)');
    // More due customers than one pass takes: go again (unless all were busy, then wait).
    return report.customers >= 500 && report.busy < report.customers;
  };
  const trialExpiry = periodicWorker('trial-expiry', config.trialSweepIntervalMs ?? subscriptionsDefaults.trialSweepIntervalMs, logger, sweepTrials);
  deps.jobs?.register('subscriptions: trial sweep (R11)', async () => {
    while (await sweepTrials());
    ctx.kickRefresh();
  });
  // R14: verifiers stored before binding existed are bound in batches (and their records republished).
  const rebind = periodicWorker('rebind-verifiers', 10 * 60_000, logger, async () => {
    const rebound = await rebindVerifiers(ctx);
    if (rebound > 0) logger.info({ customers: rebound }, 'password verifiers bound to their logins');
    return rebound === 500;
  });
  // Issue 12 item 6: once per start, when anything was made by a key other than LOGIN_HASH_KEY,
  // re-key every customer (README "Rotating keys"), a batch a pass, records republished through the outbox.
  const rekeyWalk = { due: undefined as boolean | undefined, after: undefined as string | undefined, customers: 0, rekeyed: 0, unrecoverable: 0 };
  const rekey = periodicWorker('rekey-logins', 10 * 60_000, logger, async () => {
    rekeyWalk.due ??= await loginsToRekey(ctx);
    if (!rekeyWalk.due) return false;
    const pass = await rekeyLogins(ctx, rekeyWalk.after);
    rekeyWalk.customers += pass.customers;
    rekeyWalk.rekeyed += pass.rekeyed;
    rekeyWalk.unrecoverable += pass.unrecoverable;
    rekeyWalk.after = pass.last;
    if (pass.customers > 0) return true;
    rekeyWalk.due = false;
    const { customers, rekeyed, unrecoverable } = rekeyWalk;
    logger[unrecoverable > 0 ? 'warn' : 'info'](
      { keyId: ctx.hasher.keyId, customers, rekeyed, unrecoverable },
      unrecoverable > 0
        ? 'login keys re-keyed under the current LOGIN_HASH_KEY, but some were made by a previous key with no sealed data to recompute them: keep that key in LOGIN_HASH_PREVIOUS_KEYS or re-enter their CPF/CNPJ or password'
        : 'login keys re-keyed under the current LOGIN_HASH_KEY',
    );
    return false;
  });
  const housekeeping = periodicWorker('housekeeping', 10 * 60_000, logger, async () => {
    const now = clock.now().getTime();
    await pruneIdempotencyKeys(db, new Date(now - (config.idempotencyRetentionMs ?? subscriptionsDefaults.idempotencyRetentionMs)));
    const limit = 10_000;
    return (await pruneDecisions(ctx, new Date(now - (config.decisionRetentionMs ?? subscriptionsDefaults.decisionRetentionMs)), limit)) === limit;
  });

  const billingSettings: BillingSettings = {
    timeZone: ctx.timeZone,
    dailyProration: config.billing?.dailyProration ?? subscriptionsDefaults.dailyProration,
    billDebtSuspension: config.billing?.billDebtSuspension ?? subscriptionsDefaults.billDebtSuspension,
  };
  // R20: the close job, one batch of customers a transaction, kicked when a close is asked for.
  const closeJob = billingCloseJob(ctx, billingSettings, config.billing?.closeBatchSize ?? subscriptionsDefaults.closeBatchSize);
  const billingClose = periodicWorker('billing-close', 30_000, logger, async () => {
    const step = await closeJob.step();
    if (step?.closed) {
      logger.info({ period: step.period }, 'competência closed');
      billingLines.kick();
    }
    return step !== null;
  });

  const billingLines = periodicWorker('billing-lines-publisher', 5_000, logger, async () => (await publishLinesStep(db, bus, 1_000)) > 0);

  const { app, lifecycle } = createHttpApp({
    name: 'subscriptions',
    version: SUBSCRIPTIONS_VERSION,
    description: 'Customers, their services and packages, subscriber ids and the entitlement feed (R7–R15).',
    logger,
    readiness: readinessOf({ database: databaseCheck(db), bus: busCheck(bus) }),
    tags: {
      customers: 'Customers, their services and history (R7–R13).',
      services: 'A customer service: status and the packages attached to it (R7–R12).',
      support: 'Support views: why a customer may or may not use a product (R15), the gateway decisions.',
      reports: 'Reports: active subscribers per integration and month.',
      billing: 'Billing lines per competência (R18–R20): preview, close, export, a customer\'s charges.',
    },
    apiKeys: config.apiKeys,
    http: config.http,
  });
  customerRoutes(app, ctx);
  serviceRoutes(app, ctx);
  supportRoutes(app, ctx);
  billingRoutes(app, ctx, billingSettings, billingClose);

  return serviceHost({
    name: 'subscriptions',
    logger,
    http: { app, lifecycle, ...config.http },
    workers: [
      ...(config.republishOnStart ? [republishEntitlements(bus, db, logger)] : []),
      relay,
      refresh,
      catalogEventsConsumer(bus, ctx, logger, ctx.kickRefresh),
      standingConsumer(bus, ctx, logger, config.standingBatchSize ?? subscriptionsDefaults.standingBatchSize),
      decisionsConsumer(bus, ctx, logger),
      trialExpiry,
      billingClose,
      billingLines,
      rebind,
      rekey,
      housekeeping,
    ],
    resources: [...busResources, { name: 'database', close: () => db.$disconnect() }],
  });
}
