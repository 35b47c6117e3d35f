import { type Bus, createMemoryBus, encodeJson } from '@sva/bus';
import { buckets, entitlementKey, type EntitlementV1, type GatewayIntegrationV1 } from '@sva/contracts';
import { createLogger, type Logger } from '@sva/service-kit';
import { expect, vi } from 'vitest';
import { type GatewayConfig, gatewayDefaults } from '../src/config.ts';
import { createGateway, type Gateway } from '../src/service.ts';
import { hashKey, integrationRecord } from './fixtures.ts';

/** A gateway configuration for tests: the defaults, silent logs, no snapshot writing unless asked. */
export function testConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return {
    http: { host: '127.0.0.1', port: 0 },
    logLevel: 'silent',
    bus: { natsUrl: undefined, prefix: undefined },
    loginHashKey: hashKey,
    ...gatewayDefaults,
    gatewayId: 'test-gateway',
    snapshotIntervalSeconds: 0,
    ...overrides,
  };
}

/** Write records where catalog and subscriptions would (the KV buckets the view is built from). */
export async function publishRecords(bus: Bus, records: { integrations?: readonly GatewayIntegrationV1[]; entitlements?: readonly EntitlementV1[] }): Promise<void> {
  const integrations = await bus.kv({ bucket: buckets.gatewayIntegrations });
  for (const record of records.integrations ?? []) await integrations.put(record.integrationId, encodeJson(record));
  const entitlements = await bus.kv({ bucket: buckets.entitlements });
  for (const record of records.entitlements ?? []) await entitlements.put(entitlementKey(record.integrationId, record.customerId), encodeJson(record));
}

export interface TestGateway extends Gateway {
  /** Stop the workers and the app (and the bus when the helper created it). */
  stop(): Promise<void>;
}

export interface TestGatewayOptions {
  readonly bus?: Bus;
  readonly config?: Partial<GatewayConfig>;
  readonly now?: () => number;
  readonly logger?: Logger;
  readonly integrations?: readonly GatewayIntegrationV1[];
  readonly entitlements?: readonly EntitlementV1[];
  /** Wait until the view is loaded (default true). */
  readonly waitReady?: boolean;
}

/**
 * A gateway wired as in production (on the given bus, else an in-process one), its records
 * published first, its workers started; drive it with `gateway.app.inject()`.
 */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const ownBus = options.bus === undefined;
  const bus = options.bus ?? createMemoryBus({ onError: () => {} });
  await publishRecords(bus, { integrations: options.integrations ?? [integrationRecord()], entitlements: options.entitlements ?? [] });
  const gateway = await createGateway(testConfig(options.config), {
    bus,
    logger: options.logger ?? createLogger({ name: 'neo-gateway', level: 'silent' }),
    ...(options.now ? { now: options.now } : {}),
  });
  for (const worker of gateway.workers) await worker.start();
  await gateway.app.ready();
  if (options.waitReady ?? true) await vi.waitFor(() => expect(gateway.feed.ready()).toBe(true), { timeout: 20_000, interval: 10 });
  return {
    ...gateway,
    async stop() {
      for (const worker of gateway.workers) await worker.stop();
      await gateway.app.close();
      for (const resource of gateway.resources) await resource.close();
      if (ownBus) await bus.close();
    },
  };
}

