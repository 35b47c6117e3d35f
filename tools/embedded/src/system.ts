import { billingDefaults, buildBillingService } from '@sva/billing-status';
import type { Bus } from '@sva/bus';
import { buildCatalogService } from '@sva/catalog';
import type { Clock } from '@sva/kernel';
import { buildGatewayService, gatewayDefaults } from '@sva/neo-gateway';
import type { DatabaseConfig, RunningService } from '@sva/service-kit';
import { createLogger } from '@sva/service-kit';
import { buildSubscriptionsService } from '@sva/subscriptions';

/** Secrets the services share or need. The embedded mode generates them once and keeps them under its data folder. */
export interface SystemSecrets {
  /** Operator API key, accepted by catalog, subscriptions and billing-status. */
  readonly apiKey: string;
  /** HMAC key for login keys, shared by subscriptions and the gateway. */
  readonly loginHashKey: string;
  /** Seals platform credentials in the catalog. */
  readonly credentialsKey: string;
}

export interface SystemOptions {
  /** One bus shared by the four services (the caller closes it). */
  readonly bus: Bus;
  readonly databases: { readonly catalog: DatabaseConfig; readonly subscriptions: DatabaseConfig; readonly billing: DatabaseConfig };
  readonly secrets: SystemSecrets;
  /** 0 picks a free port. Defaults: 3001 catalog, 3002 subscriptions, 3003 billing-status, 3004 gateway. */
  readonly ports?: { readonly catalog: number; readonly subscriptions: number; readonly billing: number; readonly gateway: number };
  readonly host?: string;
  readonly logLevel?: string;
  /** Base URL NEO reaches the gateway at; defaults to the gateway's own URL. */
  readonly gatewayPublicUrl?: string;
  readonly clock?: Clock;
  /** How often billing-status checks for a due daily evaluation and run-out trust unblocks (default 15 s). */
  readonly billingSchedulerIntervalMs?: number;
  /** How often subscriptions looks for ended trials (R11; default 60 s). */
  readonly trialSweepIntervalMs?: number;
  /** Rebuild the bus's copy of integrations and entitlements from the databases at start (needed with a fresh in-process bus). */
  readonly republishOnStart?: boolean;
}

export interface RunningSystem {
  readonly urls: { readonly catalog: string; readonly subscriptions: string; readonly billing: string; readonly gateway: string };
  stop(): Promise<void>;
}

export const DEFAULT_PORTS = { catalog: 3001, subscriptions: 3002, billing: 3003, gateway: 3004 } as const;

/**
 * Start the four services in this process over one shared bus. The gateway starts first (so the
 * catalog can build callback URLs from its address), and stops last.
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const ports = options.ports ?? DEFAULT_PORTS;
  const host = options.host ?? '127.0.0.1';
  const logLevel = options.logLevel ?? 'warn';
  const bus = { natsUrl: undefined, prefix: undefined };
  const logger = (name: string) => createLogger({ name, level: logLevel });
  const started: RunningService[] = [];
  try {
    const gateway = await (
      await buildGatewayService(
        {
          http: { host, port: ports.gateway },
          logLevel,
          bus,
          loginHashKey: options.secrets.loginHashKey,
          ...gatewayDefaults,
          gatewayId: 'embedded',
          // One process: no other replica would ever start from a view snapshot.
          snapshotIntervalSeconds: 0,
          useSnapshots: false,
        },
        { bus: options.bus, logger: logger('neo-gateway') },
      )
    ).start();
    started.push(gateway);
    const common = { logLevel, bus, apiKeys: [options.secrets.apiKey] };
    const clock = options.clock ? { clock: options.clock } : {};
    const catalog = await (
      await buildCatalogService(
        {
          ...common,
          http: { host, port: ports.catalog },
          database: options.databases.catalog,
          credentialsKey: options.secrets.credentialsKey,
          gatewayPublicUrl: options.gatewayPublicUrl ?? gateway.url,
          secretRotationOverlapMs: 24 * 3_600_000,
          platformTimeoutMs: 5_000,
          allowPrivatePlatformUrls: true, // the local NEO simulator
          republishOnStart: options.republishOnStart ?? false,
        },
        { bus: options.bus, logger: logger('catalog'), ...clock },
      )
    ).start();
    started.push(catalog);
    const subscriptions = await (
      await buildSubscriptionsService(
        {
          ...common,
          http: { host, port: ports.subscriptions },
          database: options.databases.subscriptions,
          loginHashKey: options.secrets.loginHashKey,
          catalogTimeoutMs: 3_000,
          republishOnStart: options.republishOnStart ?? false,
          ...(options.trialSweepIntervalMs ? { trialSweepIntervalMs: options.trialSweepIntervalMs } : {}),
        },
        { bus: options.bus, logger: logger('subscriptions'), ...clock },
      )
    ).start();
    started.push(subscriptions);
    const billing = await (
      await buildBillingService(
        {
          ...common,
          http: { host, port: ports.billing },
          database: options.databases.billing,
          ...billingDefaults,
          schedulerIntervalMs: options.billingSchedulerIntervalMs ?? billingDefaults.schedulerIntervalMs,
        },
        { bus: options.bus, logger: logger('billing-status'), ...clock },
      )
    ).start();
    started.push(billing);
    return {
      urls: { catalog: catalog.url, subscriptions: subscriptions.url, billing: billing.url, gateway: gateway.url },
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
