import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { createPrismaClient } from '@sva/db';
import { systemClock, type Clock } from '@sva/kernel';
import { createHttpApp, createLogger, databaseCheck, readinessOf, serviceHost, type Logger, type Service } from '@sva/service-kit';
import { ensureFirstAdmin } from './accounts.ts';
import type { ConsoleConfig } from './config.ts';
import type { ConsoleContext } from './context.ts';
import { forwardRoutes } from './forward.routes.ts';
import { PrismaClient } from '../generated/prisma/client.ts';
import { loadOperations } from './operations.ts';
import { operatorRoutes } from './operators.routes.ts';
import { sessionRoutes } from './session.routes.ts';
import { pruneSessions } from './sessions.ts';
import { webRoutes } from './web.routes.ts';

export interface ConsoleDependencies {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly fetch?: typeof fetch;
  /** The password `admin` gets when there is no account yet (default: generated). */
  readonly firstAdminPassword?: string;
}

export const CONSOLE_VERSION = '0.1.0';

/** A built console: the service to start, and the first admin's password when this start created it. */
export interface BuiltConsole extends Service {
  /** Set when there was no account and `admin` was just created: show it once. */
  readonly firstAdminPassword: string | undefined;
}

/**
 * Build the console's server: accounts and sessions in its own database, the forwarder to the
 * services, and the built web app. With no account yet and `createFirstAdmin`, creates `admin` (see `firstAdminPassword`).
 */
export async function buildConsoleServer(config: ConsoleConfig, deps: ConsoleDependencies = {}): Promise<BuiltConsole> {
  const logger = deps.logger ?? createLogger({ name: 'console', level: config.logLevel });
  const db = createPrismaClient(PrismaClient, { url: config.database.url, poolMax: config.database.poolMax });
  const ctx: ConsoleContext = { db, clock: deps.clock ?? systemClock, config, operations: loadOperations(), fetch: deps.fetch ?? fetch };
  const firstAdminPassword = config.createFirstAdmin ? await ensureFirstAdmin(ctx, deps.firstAdminPassword) : undefined;

  const { app, lifecycle } = createHttpApp({
    name: 'console',
    version: CONSOLE_VERSION,
    description: 'Operator console: sessions, operator accounts, and the forwarder to the services.',
    logger,
    readiness: readinessOf({ database: databaseCheck(db) }),
    // CONSOLE_TRUST_PROXY=true means one ingress in front (one hop trusted, never every hop).
    http: { trustProxy: config.trustProxy ? 1 : false },
    tags: { session: 'Login, logout, the current session.', operators: 'Operator accounts (admin).' },
  });
  await app.register(fastifyCookie as unknown as (instance: FastifyInstance) => Promise<void>);
  sessionRoutes(app, ctx);
  operatorRoutes(app, ctx);
  forwardRoutes(app, ctx);
  if (config.webDir) await webRoutes(app, config.webDir);

  let pruner: NodeJS.Timeout | undefined;
  const service = serviceHost({
    name: 'console',
    logger,
    http: { app, lifecycle, host: config.http.host, port: config.http.port },
    workers: [
      {
        name: 'session-pruner',
        start: async () => {
          pruner = setInterval(() => void pruneSessions(ctx).catch((error: unknown) => logger.warn({ err: error }, 'pruning sessions failed')), 10 * 60_000);
          pruner.unref();
        },
        stop: async () => clearInterval(pruner),
      },
    ],
    resources: [{ name: 'database', close: () => db.$disconnect() }],
  });
  return { ...service, firstAdminPassword };
}
