import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Bus } from '@sva/bus';
import { streams } from '@sva/contracts';
import { createPrismaClient } from '@sva/db';
import { systemClock, type Clock, type ScheduledJobs } from '@sva/kernel';
import { OutboxRelay } from '@sva/outbox';
import { busCheck, createHttpApp, createLogger, databaseCheck, openBus, readinessOf, serviceHost, type Logger, type Service } from '@sva/service-kit';
import type { BillingConfig } from './config.ts';
import type { BillingContext } from './context.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { invoiceRoutes } from './http/invoices.routes.ts';
import { settingsRoutes } from './http/settings.routes.ts';
import { standingRoutes } from './http/standing.routes.ts';
import { invoiceFactsConsumer } from './messaging/invoice-facts.consumer.ts';
import { evaluationScheduler } from './messaging/scheduler.ts';

/** What the embedded mode and tests may inject instead of the defaults. */
export interface BillingDependencies {
  readonly bus?: Bus;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Where its time-driven work is registered, for whoever moves the clock to run it at once (the demo clock). */
  readonly jobs?: ScheduledJobs;
}

export const BILLING_VERSION = '0.1.0';

/**
 * Build billing-status: database, bus (it owns streams `BILLING` and `FINANCE`), outbox relay, the
 * invoice-facts consumer, the evaluation scheduler and the HTTP API.
 */
export async function buildBillingService(config: BillingConfig, deps: BillingDependencies = {}): Promise<Service> {
  const logger = deps.logger ?? createLogger({ name: 'billing-status', level: config.logLevel });
  const db = createPrismaClient(PrismaClient, { url: config.database.url, poolMax: config.database.poolMax });
  const { bus, resources: busResources } = await openBus(config.bus, 'billing-status', deps.bus);
  await bus.ensureStream(streams.billing);
  await bus.ensureStream(streams.finance);

  // Standing changes come in bursts (the daily evaluation): larger batches publish them sooner.
  const relay = new OutboxRelay({ db, bus, logger, batchSize: 1_000 });
  const ctx: BillingContext = {
    db,
    transaction: async (work, options) => {
      const result = await db.$transaction(work, options?.timeoutMs ? { timeout: options.timeoutMs, maxWait: 30_000 } : undefined);
      relay.kick();
      return result;
    },
    clock: deps.clock ?? systemClock,
    defaultSettings: {
      graceDays: config.graceDays,
      maxTrustUnblockDays: config.maxTrustUnblockDays,
      dailyEvaluationTime: config.dailyEvaluationTime,
      timeZone: config.timeZone,
    },
    newId: randomUUID,
    runner: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    evaluationBatchSize: config.evaluationBatchSize,
    // On embedded PGlite (one connection) parallel batches would only queue.
    evaluationConcurrency: Math.min(config.evaluationConcurrency, config.database.poolMax),
  };

  const { app, lifecycle } = createHttpApp({
    name: 'billing-status',
    version: BILLING_VERSION,
    description: "Invoice facts from the provider's financial system and each customer's payment standing (R16–R17).",
    logger,
    readiness: readinessOf({ database: databaseCheck(db), bus: busCheck(bus) }),
    tags: {
      invoices: 'Invoice facts from the financial system and the invoices folded from them (R16).',
      standing: "A customer's payment standing, trust unblocks and the daily evaluation (R16, R17).",
      settings: 'Billing settings: grace days, time zone, evaluation time.',
    },
    apiKeys: config.apiKeys,
    http: config.http,
  });
  const scheduler = evaluationScheduler(ctx, logger, config.schedulerIntervalMs);
  deps.jobs?.register('billing: daily evaluation and trust-unblock expiry', () => scheduler.runNow());
  invoiceRoutes(app, ctx);
  standingRoutes(app, ctx, { launchEvaluation: scheduler.launch });
  settingsRoutes(app, ctx);

  return serviceHost({
    name: 'billing-status',
    logger,
    http: { app, lifecycle, ...config.http },
    // Stopped in this order: nothing writes to the outbox once the relay stops last.
    workers: [invoiceFactsConsumer(bus, ctx, logger), scheduler, relay],
    resources: [...busResources, { name: 'database', close: () => db.$disconnect() }],
  });
}
