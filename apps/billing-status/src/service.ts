import type { Bus } from '@sva/bus';
import { streams } from '@sva/contracts';
import { createPrismaClient } from '@sva/db';
import { systemClock, type Clock } from '@sva/kernel';
import { OutboxRelay } from '@sva/outbox';
import { busCheck, createHttpApp, createLogger, databaseCheck, openBus, readinessOf, serviceHost, type Logger, type Service } from '@sva/service-kit';
import type { BillingConfig } from './config.ts';
import type { BillingContext } from './context.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { billingRoutes } from './http/billing.routes.ts';

/** What the embedded mode and tests may inject instead of the defaults. */
export interface BillingDependencies {
  readonly bus?: Bus;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export const BILLING_VERSION = '0.1.0';

/** Build billing-status: database, bus, outbox relay and the invoice-facts API. */
export async function buildBillingService(config: BillingConfig, deps: BillingDependencies = {}): Promise<Service> {
  const logger = deps.logger ?? createLogger({ name: 'billing-status', level: config.logLevel });
  const db = createPrismaClient(PrismaClient, { url: config.database.url, poolMax: config.database.poolMax });
  const { bus, resources: busResources } = await openBus(config.bus, 'billing-status', deps.bus);
  await bus.ensureStream(streams.billing);

  const relay = new OutboxRelay({ db, bus, logger });
  const ctx: BillingContext = {
    db,
    transaction: async (work) => {
      const result = await db.$transaction(work);
      relay.kick();
      return result;
    },
    clock: deps.clock ?? systemClock,
    graceDays: config.graceDays,
    timeZone: config.timeZone,
  };

  const { app, lifecycle } = createHttpApp({
    name: 'billing-status',
    version: BILLING_VERSION,
    description: "Invoice facts from the provider's financial system and each customer's payment standing (R16–R17).",
    logger,
    readiness: readinessOf({ database: databaseCheck(db), bus: busCheck(bus) }),
    securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } },
    apiKeys: config.apiKeys,
  });
  billingRoutes(app, ctx);

  return serviceHost({
    name: 'billing-status',
    logger,
    http: { app, lifecycle, ...config.http },
    workers: [relay],
    resources: [...busResources, { name: 'database', close: () => db.$disconnect() }],
  });
}
