import { randomBytes, randomUUID } from 'node:crypto';
import type { Bus } from '@sva/bus';
import { streams } from '@sva/contracts';
import { createPrismaClient } from '@sva/db';
import { systemClock, type Clock } from '@sva/kernel';
import { OutboxRelay } from '@sva/outbox';
import { busCheck, createHttpApp, createLogger, databaseCheck, openBus, readinessOf, serviceHost, type Logger, type Service } from '@sva/service-kit';
import type { SubscriptionsConfig } from './config.ts';
import type { SubscriptionsContext } from './context.ts';
import { createLoginHasher } from './domain/login-keys.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { customerRoutes } from './http/customers.routes.ts';
import { serviceRoutes } from './http/services.routes.ts';
import { catalogEventsConsumer } from './messaging/catalog-events.consumer.ts';
import { republishEntitlements } from './messaging/republish.ts';
import { catalogReader } from './repositories/catalog-replica.ts';

/** What the embedded mode and tests may inject instead of the defaults. */
export interface SubscriptionsDependencies {
  /** A shared bus (the embedded mode's in-process bus). When absent, connects to NATS and owns the connection. */
  readonly bus?: Bus;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export const SUBSCRIPTIONS_VERSION = '0.1.0';

/** Build subscriptions: database, bus, outbox relay, catalog consumer and the operator API. */
export async function buildSubscriptionsService(config: SubscriptionsConfig, deps: SubscriptionsDependencies = {}): Promise<Service> {
  const logger = deps.logger ?? createLogger({ name: 'subscriptions', level: config.logLevel });
  const db = createPrismaClient(PrismaClient, { url: config.database.url, poolMax: config.database.poolMax });
  const { bus, resources: busResources } = await openBus(config.bus, 'subscriptions', deps.bus);
  await bus.ensureStream(streams.subscriptions);
  await bus.ensureStream(streams.catalog);

  const relay = new OutboxRelay({ db, bus, logger });
  const ctx: SubscriptionsContext = {
    db,
    transaction: async (work) => {
      const result = await db.$transaction(work);
      relay.kick();
      return result;
    },
    clock: deps.clock ?? systemClock,
    newId: randomUUID,
    newSubscriberId: () => randomBytes(16).toString('base64url'),
    hasher: createLoginHasher(config.loginHashKey),
    catalog: catalogReader(db, bus, config.catalogTimeoutMs),
  };

  const { app, lifecycle } = createHttpApp({
    name: 'subscriptions',
    version: SUBSCRIPTIONS_VERSION,
    description: 'Customers, their services and packages, subscriber ids and the entitlement feed (R7–R15).',
    logger,
    readiness: readinessOf({ database: databaseCheck(db), bus: busCheck(bus) }),
    securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } },
    apiKeys: config.apiKeys,
  });
  customerRoutes(app, ctx);
  serviceRoutes(app, ctx);

  return serviceHost({
    name: 'subscriptions',
    logger,
    http: { app, lifecycle, ...config.http },
    workers: [
      ...(config.republishOnStart ? [republishEntitlements(bus, db, logger)] : []),
      relay,
      catalogEventsConsumer(bus, ctx, logger),
    ],
    resources: [...busResources, { name: 'database', close: () => db.$disconnect() }],
  });
}
