import { buildBillingService, loadConfig as loadBillingConfig } from '@sva/billing-status';
import type { Bus } from '@sva/bus';
import { buildCatalogService, loadConfig as loadCatalogConfig } from '@sva/catalog';
import { buildFinancialSimulatorService } from '@sva/financial-simulator';
import type { Clock } from '@sva/kernel';
import { buildGatewayService, loadConfig as loadGatewayConfig } from '@sva/neo-gateway';
import { createLogger, env as envVar, parseEnv, type RunningService } from '@sva/service-kit';
import { buildSubscriptionsService, loadConfig as loadSubscriptionsConfig } from '@sva/subscriptions';
import { z } from 'zod';
import { buildDemoClockService, type DemoClock } from './demo-clock.ts';

/** Secrets the services share or need. The embedded mode generates them once and keeps them under its data folder. */
export interface SystemSecrets {
  /** Operator API key, accepted by catalog, subscriptions and billing-status (beside any `*_API_KEYS` set). */
  readonly apiKey: string;
  /** HMAC key for login keys, shared by subscriptions and the gateway (unless `LOGIN_HASH_KEY` is set). */
  readonly loginHashKey: string;
  /** Seals platform credentials in the catalog (unless `CATALOG_CREDENTIALS_KEY` is set). */
  readonly credentialsKey: string;
}

/** A service's database; without `poolMax`, `<SERVICE>_DATABASE_POOL_MAX` (default 10) applies. */
export interface EmbeddedDatabase {
  readonly url: string;
  readonly poolMax?: number;
}

export type ServicePorts = { readonly catalog: number; readonly subscriptions: number; readonly billing: number; readonly gateway: number; readonly demoClock?: number; readonly financial?: number };

export interface SystemOptions {
  /** One bus shared by the four services (the caller closes it). */
  readonly bus: Bus;
  readonly databases: { readonly catalog: EmbeddedDatabase; readonly subscriptions: EmbeddedDatabase; readonly billing: EmbeddedDatabase };
  readonly secrets: SystemSecrets;
  /**
   * The environment, read by each service's own `loadConfig` exactly as when it runs alone
   * (default `process.env`). The embedded mode only supplies defaults for what it generates or
   * knows better (see `embeddedDefaults`) and the databases and bus it started.
   */
  readonly env?: NodeJS.ProcessEnv;
  /** Override the environment's ports (`CATALOG_PORT`, …); 0 picks a free port. */
  readonly ports?: ServicePorts;
  /** Default of every `*_HOST` not set in the environment (default 127.0.0.1). */
  readonly host?: string;
  /** Overrides `LOG_LEVEL`. */
  readonly logLevel?: string;
  /** A clock the services share (tests); `demoClock` brings its own. */
  readonly clock?: Clock;
  /** The demo clock: its clock is shared by the services, their time-driven jobs registered with it, and its API served on `DEMO_CLOCK_PORT`. */
  readonly demoClock?: DemoClock;
  /** Overrides `BILLING_SCHEDULER_INTERVAL_MS`. */
  readonly billingSchedulerIntervalMs?: number;
  /** Overrides `SUBSCRIPTIONS_TRIAL_SWEEP_INTERVAL_MS`. */
  readonly trialSweepIntervalMs?: number;
  /** Rebuild the bus's copy of integrations and entitlements from the databases at start (needed with a fresh in-process bus). */
  readonly republishOnStart?: boolean;
  /**
   * Also start the financial-module simulator (`@sva/financial-simulator`: close a month and
   * invoice it, pay invoices) on `FINANCIAL_SIMULATOR_PORT`, on the services' clock, with
   * `FINANCIAL_DUE_DAYS` (default 10). `npm start` does.
   */
  readonly financialSimulator?: boolean;
}

export interface RunningSystem {
  readonly urls: { readonly catalog: string; readonly subscriptions: string; readonly billing: string; readonly gateway: string; readonly demoClock?: string; readonly financial?: string };
  stop(): Promise<void>;
}

/** The variable naming each service's port (a taken port is reported with it). */
export const PORT_VARIABLES = { catalog: 'CATALOG_PORT', subscriptions: 'SUBSCRIPTIONS_PORT', billing: 'BILLING_PORT', gateway: 'GATEWAY_PORT', demoClock: 'DEMO_CLOCK_PORT', financial: 'FINANCIAL_SIMULATOR_PORT' } as const;

const DemoClockEnv = z.object({ DEMO_CLOCK_PORT: envVar.port(3005), DEMO_CLOCK_HOST: z.string().optional() });
const FinancialEnv = z.object({
  FINANCIAL_SIMULATOR_PORT: envVar.port(3011),
  FINANCIAL_SIMULATOR_HOST: z.string().optional(),
  /** Days after a competência's last day its invoices are due. */
  FINANCIAL_DUE_DAYS: z.coerce.number().int().min(0).max(366).default(10),
});

/**
 * Defaults the embedded mode puts under the environment (a variable that is set wins): the
 * generated secrets, loopback hosts, one replica (no view snapshots), and private platform
 * URLs allowed for the local NEO simulator.
 */
export function embeddedDefaults(secrets: SystemSecrets, host: string): Record<string, string> {
  return {
    LOG_LEVEL: 'warn',
    CATALOG_HOST: host,
    SUBSCRIPTIONS_HOST: host,
    BILLING_HOST: host,
    GATEWAY_HOST: host,
    CATALOG_API_KEYS: secrets.apiKey,
    SUBSCRIPTIONS_API_KEYS: secrets.apiKey,
    BILLING_API_KEYS: secrets.apiKey,
    LOGIN_HASH_KEY: secrets.loginHashKey,
    CATALOG_CREDENTIALS_KEY: secrets.credentialsKey,
    CATALOG_ALLOW_PRIVATE_PLATFORM_URLS: 'true',
    GATEWAY_ID: 'embedded',
    // One process: no other replica would ever start from a view snapshot.
    GATEWAY_SNAPSHOT_INTERVAL_SECONDS: '0',
    GATEWAY_USE_SNAPSHOTS: 'false',
    // The four services share one event loop with the in-process PGlite databases, whose queries
    // block it for long stretches: load shedding would refuse the demo's own requests. Set a
    // <SERVICE>_MAX_EVENT_LOOP_DELAY_MS to turn it back on.
    CATALOG_MAX_EVENT_LOOP_DELAY_MS: '0',
    SUBSCRIPTIONS_MAX_EVENT_LOOP_DELAY_MS: '0',
    BILLING_MAX_EVENT_LOOP_DELAY_MS: '0',
    GATEWAY_MAX_EVENT_LOOP_DELAY_MS: '0',
  };
}

/**
 * Start the four services in this process over one shared bus, each configured by its own
 * `loadConfig` from the environment. The gateway starts first (so the catalog can build callback
 * URLs from its address), and stops last.
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const forced: Record<string, string> = {};
  for (const [name, database] of [
    ['CATALOG', options.databases.catalog],
    ['SUBSCRIPTIONS', options.databases.subscriptions],
    ['BILLING', options.databases.billing],
  ] as const) {
    forced[`${name}_DATABASE_URL`] = database.url;
    if (database.poolMax !== undefined) forced[`${name}_DATABASE_POOL_MAX`] = String(database.poolMax);
  }
  if (options.ports) {
    for (const [service, variable] of Object.entries(PORT_VARIABLES)) {
      const port = options.ports[service as keyof ServicePorts];
      if (port !== undefined) forced[variable] = String(port);
    }
  }
  if (options.logLevel) forced.LOG_LEVEL = options.logLevel;
  if (options.billingSchedulerIntervalMs) forced.BILLING_SCHEDULER_INTERVAL_MS = String(options.billingSchedulerIntervalMs);
  if (options.trialSweepIntervalMs) forced.SUBSCRIPTIONS_TRIAL_SWEEP_INTERVAL_MS = String(options.trialSweepIntervalMs);
  if (options.republishOnStart !== undefined) forced.REPUBLISH_ON_START = String(options.republishOnStart);
  const env: NodeJS.ProcessEnv = { ...embeddedDefaults(options.secrets, options.host ?? '127.0.0.1'), ...(options.env ?? process.env), ...forced };
  // The operator key the embedded mode generated (and its demo uses) is accepted beside any configured ones.
  const withOurKey = (keys: readonly string[]) => [...new Set([...keys, options.secrets.apiKey])];

  const gatewayConfig = loadGatewayConfig(env);
  const logger = (name: string) => createLogger({ name, level: gatewayConfig.logLevel });
  const sharedClock = options.demoClock?.clock ?? options.clock;
  const clock = sharedClock ? { clock: sharedClock } : {};
  const jobs = options.demoClock ? { jobs: options.demoClock.jobs } : {};
  const started: RunningService[] = [];
  const start = async (service: keyof typeof PORT_VARIABLES, built: { start(): Promise<RunningService> }): Promise<RunningService> => {
    try {
      const running = await built.start();
      started.push(running);
      return running;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        const port = (error as { port?: number }).port;
        throw new Error(`${service}: port ${port ?? '?'} is already in use; set ${PORT_VARIABLES[service]} to a free port (0 picks one)`, { cause: error });
      }
      throw error;
    }
  };
  try {
    const gateway = await start('gateway', await buildGatewayService(gatewayConfig, { bus: options.bus, logger: logger('neo-gateway') }));
    const catalogConfig = loadCatalogConfig({ GATEWAY_PUBLIC_URL: gateway.url, ...env });
    const catalog = await start(
      'catalog',
      await buildCatalogService({ ...catalogConfig, apiKeys: withOurKey(catalogConfig.apiKeys) }, { bus: options.bus, logger: logger('catalog'), ...clock }),
    );
    const subscriptionsConfig = loadSubscriptionsConfig(env);
    const subscriptions = await start(
      'subscriptions',
      await buildSubscriptionsService({ ...subscriptionsConfig, apiKeys: withOurKey(subscriptionsConfig.apiKeys) }, { bus: options.bus, logger: logger('subscriptions'), ...clock, ...jobs }),
    );
    const billingConfig = loadBillingConfig(env);
    const billing = await start(
      'billing',
      await buildBillingService({ ...billingConfig, apiKeys: withOurKey(billingConfig.apiKeys) }, { bus: options.bus, logger: logger('billing-status'), ...clock, ...jobs }),
    );
    let demoClockUrl: { demoClock?: string } = {};
    if (options.demoClock) {
      const demoEnv = parseEnv(DemoClockEnv, env);
      const service = buildDemoClockService(options.demoClock, {
        host: demoEnv.DEMO_CLOCK_HOST ?? billingConfig.http.host,
        port: demoEnv.DEMO_CLOCK_PORT,
        apiKeys: withOurKey(billingConfig.apiKeys),
        logger: logger('demo-clock'),
      });
      demoClockUrl = { demoClock: (await start('demoClock', service)).url };
    }
    let financialUrl: { financial?: string } = {};
    if (options.financialSimulator) {
      const financialEnv = parseEnv(FinancialEnv, env);
      const service = buildFinancialSimulatorService({
        urls: { subscriptions: subscriptions.url, billing: billing.url },
        apiKey: options.secrets.apiKey,
        apiKeys: withOurKey(billingConfig.apiKeys),
        host: financialEnv.FINANCIAL_SIMULATOR_HOST ?? billingConfig.http.host,
        port: financialEnv.FINANCIAL_SIMULATOR_PORT,
        dueDays: financialEnv.FINANCIAL_DUE_DAYS,
        ...(subscriptionsConfig.timeZone ? { timeZone: subscriptionsConfig.timeZone } : {}),
        ...(sharedClock ? { clock: sharedClock } : {}),
        logger: logger('financial-simulator'),
      });
      financialUrl = { financial: (await start('financial', service)).url };
    }
    return {
      urls: { catalog: catalog.url, subscriptions: subscriptions.url, billing: billing.url, gateway: gateway.url, ...demoClockUrl, ...financialUrl },
      stop: () => stopAll(started),
    };
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}

async function stopAll(services: readonly RunningService[]): Promise<void> {
  for (const service of [...services].reverse()) await service.stop();
}
