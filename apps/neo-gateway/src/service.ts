import type { Bus } from '@sva/bus';
import { busCheck, createHttpApp, createLogger, openBus, readinessOf, serviceHost, type Logger, type Service } from '@sva/service-kit';
import type { GatewayConfig } from './config.ts';
import { createLoginHasher } from './domain/login-keys.ts';
import { callbackRoutes } from './http/callback.routes.ts';
import { redactCallbackUrl } from './http/redact.ts';
import { EntitlementView } from './view/entitlement-view.ts';
import { viewFeed } from './view/view-feed.ts';

/** What the embedded mode and tests may inject instead of the defaults. */
export interface GatewayDependencies {
  /** A shared bus (the embedded mode's in-process bus). When absent, connects to NATS and owns the connection. */
  readonly bus?: Bus;
  readonly logger?: Logger;
}

export const GATEWAY_VERSION = '0.1.0';

/**
 * Build the gateway: an in-memory entitlement view fed by the bus, and the callback contract v1
 * NEO calls. It has no database: the view is rebuilt from the bus on start, and it reports
 * ready only once that bootstrap has caught up.
 */
export async function buildGatewayService(config: GatewayConfig, deps: GatewayDependencies = {}): Promise<Service> {
  const logger = deps.logger ?? createLogger({ name: 'neo-gateway', level: config.logLevel, redactUrl: redactCallbackUrl });
  const { bus, resources } = await openBus(config.bus, 'neo-gateway', deps.bus);
  const view = new EntitlementView();
  const feed = viewFeed(bus, view, logger);

  const { app, lifecycle } = createHttpApp({
    name: 'neo-gateway',
    version: GATEWAY_VERSION,
    description:
      'Callback contract v1 for content platforms (NEO): identify and authorise under each integration\'s callback URL (R13–R15). The URL holds the integration\'s secret; calls without it get 404.',
    logger,
    bodyLimit: 4 * 1024,
    requestTimeoutMs: 5_000,
    trustProxy: config.trustProxy,
    readiness: readinessOf({
      bus: busCheck(bus),
      view: async () => {
        if (!feed.ready()) throw new Error('bootstrap in progress');
      },
    }),
  });
  callbackRoutes(app, {
    view,
    hasher: createLoginHasher(config.loginHashKey),
    allowTtlSeconds: config.allowTtlSeconds,
    denyTtlSeconds: config.denyTtlSeconds,
    identifyFailuresPerAddress: config.identifyFailuresPerAddress,
    identifyFailuresPerLogin: config.identifyFailuresPerLogin,
  });

  return serviceHost({
    name: 'neo-gateway',
    logger,
    http: { app, lifecycle, ...config.http },
    workers: [feed],
    resources,
  });
}
