import { randomBytes, randomUUID } from 'node:crypto';
import type { Bus } from '@sva/bus';
import { streams } from '@sva/contracts';
import { createPrismaClient } from '@sva/db';
import { systemClock, type Clock } from '@sva/kernel';
import { OutboxRelay } from '@sva/outbox';
import { busCheck, createHttpApp, createLogger, databaseCheck, openBus, readinessOf, serviceHost, type HttpApp, type Logger, type Service } from '@sva/service-kit';
import type { CatalogConfig } from './config.ts';
import type { CatalogContext } from './context.ts';
import { createSealer } from './credentials.ts';
import { resealCredentialsWorker } from './use-cases/reseal-credentials.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { catalogApi } from './http/routes.ts';
import { republishIntegrations } from './messaging/republish.ts';
import { catalogResponders } from './messaging/requests.ts';
import type { ContentPlatformClient, PlatformConnection } from './platform/content-platform.ts';
import { createNeoClient } from './platform/neo-client.ts';

/** What the embedded mode and tests may inject instead of the defaults. */
export interface CatalogDependencies {
  /** A shared bus (the embedded mode's in-process bus). When absent, connects to NATS; the service then owns and closes it. */
  readonly bus?: Bus;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly platform?: (connection: PlatformConnection) => ContentPlatformClient;
}

export const CATALOG_VERSION = '0.1.0';

/** The built catalog. `app` is its HTTP app, for `inject()` in tests; call `start` before using it. */
export interface CatalogService extends Service {
  readonly app: HttpApp;
}

const API_DESCRIPTION = `What the provider configures before selling value-added services (SVA): content-platform
integrations (NEO), the platforms' products, packages with their fiscal composition, and internet
plans with their packages (rules R1–R6 of the domain brief).

- **Authentication**: every \`/v1\` call needs \`Authorization: Bearer <API key>\` (or \`X-Api-Key\`).
- **Lists** are paged by cursor: \`limit\` (1–100, default 20) and \`cursor\` (the previous page's
  \`nextCursor\`, \`null\` on the last page); each list has filters.
- **Updates** carry the \`version\` you read (optimistic concurrency); a write based on an older
  version is refused with 409 \`CATALOG_STALE_VERSION\`. A request that changes nothing is not announced.
- **Errors** are RFC 9457 problem+json with a stable \`code\`; business refusals (422) name the
  rule (\`rule: "R5"\`) and list the offending fields in \`errors[]\` (\`path\`, \`message\`, \`rule\`).
  Malformed requests answer 400 \`HTTP_VALIDATION_FAILED\`, NEO failures 502 \`CATALOG_PLATFORM_*\`.
- Money is always integer cents.`;

/** Build the catalog: database, bus, outbox relay, request responders and the operator API. */
export async function buildCatalogService(config: CatalogConfig, deps: CatalogDependencies = {}): Promise<CatalogService> {
  const logger = deps.logger ?? createLogger({ name: 'catalog', level: config.logLevel });
  const db = createPrismaClient(PrismaClient, { url: config.database.url, poolMax: config.database.poolMax });
  const { bus, resources: busResources } = await openBus(config.bus, 'catalog', deps.bus);
  await bus.ensureStream(streams.catalog);

  const relay = new OutboxRelay({ db, bus, logger });
  const ctx: CatalogContext = {
    db,
    transaction: async (work) => {
      const result = await db.$transaction(work);
      relay.kick();
      return result;
    },
    clock: deps.clock ?? systemClock,
    randomBytes: (size) => randomBytes(size),
    newId: randomUUID,
    sealer: createSealer(config.credentialsKey, config.previousCredentialsKeys ?? []),
    platform: deps.platform ?? ((connection) => createNeoClient(connection, { timeoutMs: config.platformTimeoutMs, allowPrivateAddresses: config.allowPrivatePlatformUrls ?? false })),
    gatewayPublicUrl: config.gatewayPublicUrl,
    secretRotationOverlapMs: config.secretRotationOverlapMs,
  };

  const { app, lifecycle } = createHttpApp({
    name: 'catalog',
    version: CATALOG_VERSION,
    description: API_DESCRIPTION,
    logger,
    readiness: readinessOf({ database: databaseCheck(db), bus: busCheck(bus) }),
    tags: {
      integrations: 'Content-platform integrations (NEO): callback secret, login field, platform credentials, product sync (R1–R4).',
      packages: 'Packages: price, fiscal composition and the products they grant (R5).',
      plans: 'Internet service plans and their packages (R6, R8, R9, R11).',
    },
    apiKeys: config.apiKeys,
    http: config.http,
  });
  catalogApi(app, ctx);

  const host = serviceHost({
    name: 'catalog',
    logger,
    http: { app, lifecycle, ...config.http },
    workers: [
      ...(config.republishOnStart ? [republishIntegrations(bus, db, ctx.clock, logger)] : []),
      resealCredentialsWorker(db, ctx.sealer, logger),
      relay,
      catalogResponders(bus, ctx),
    ],
    resources: [
      ...busResources,
      { name: 'database', close: () => db.$disconnect() },
    ],
  });
  return { ...host, app };
}
