import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { connectNatsBus, createMemoryBus, decodeJson, type Bus, type Subscription } from '@sva/bus';
import { buckets, streams } from '@sva/contracts';
import type { Clock } from '@sva/kernel';
import { startNeoSimulator, type NeoSimulator } from '@sva/neo-simulator';
import { createLogger, type RunningService } from '@sva/service-kit';
import { provisionDatabase, resolveNats } from '@sva/testing';
import type { CatalogConfig } from '../../src/config.ts';
import { migrationsDir } from '../../src/index.ts';
import { createNeoClient } from '../../src/platform/neo-client.ts';
import { buildCatalogService, type CatalogService } from '../../src/service.ts';

/** A message the catalog announced on its stream. */
export interface Announced {
  readonly subject: string;
  readonly payload: any;
}

export interface ApiAnswer {
  readonly status: number;
  readonly body: any;
  readonly headers: Record<string, unknown>;
}

/** A running catalog on its own real database and bus, a NEO simulator, and what the test needs to look at them. */
export interface CatalogHarness {
  readonly service: CatalogService;
  readonly simulator: NeoSimulator;
  readonly apiKey: string;
  /** Where the bus came from: `NATS (env)`, or the in-process bus when no NATS is available. */
  readonly busLabel: string;
  /** Call the operator API through fastify's `inject()`, with the API key unless `headers` say otherwise. */
  api(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer>;
  /** Every message announced on the CATALOG stream so far, in order. */
  announced(): readonly Announced[];
  /** Poll until an announced message matches, or fail after `timeoutMs`. */
  waitForAnnounced(match: (message: Announced) => boolean, timeoutMs?: number): Promise<Announced>;
  /** The gateway record the catalog put in KV `gateway-integrations`, once it has `version` (or a later one). */
  gatewayRecord(integrationId: string, version: number, timeoutMs?: number): Promise<any>;
  /** Ask the catalog over the bus (request/reply). */
  readonly bus: Bus;
  /** Everything the service logged, as text. */
  logs(): string;
  /** Configure a NEO integration against the simulator; returns the created resource. */
  createIntegration(overrides?: Record<string, unknown>): Promise<any>;
  /** The database it runs on. */
  readonly databaseUrl: string;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  readonly clock?: Clock;
  readonly platformTimeoutMs?: number;
  /**
   * The platform client for fuzzing: no retries, and no host reachable but the NEO simulator's (a
   * fuzzed base URL fails as an unknown host does, at once, and no request leaves the machine).
   */
  readonly platformOffline?: boolean;
  readonly secretRotationOverlapMs?: number;
  /** The credentials key ring (default: a random key, no previous ones). */
  readonly credentialsKey?: string;
  readonly previousCredentialsKeys?: readonly string[];
  /** Run on this database (another harness's, as a second replica) instead of a fresh one. */
  readonly databaseUrl?: string;
}

/** A fetch that reaches only `base`'s host and port; any other fails as an unknown host does. */
const simulatorOnly =
  (base: string): typeof fetch =>
  (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.host === new URL(base).host) return fetch(input, init);
    return Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error(`getaddrinfo ENOTFOUND ${url.hostname}`), { code: 'ENOTFOUND' }) }));
  };

/**
 * Build the catalog with `buildCatalogService` on a database of its own (`provisionDatabase`) and
 * real NATS when `NATS_URL` (or a container) provides it: the service then connects by itself,
 * as in production, and the test reads the stream and the KV bucket through a second connection.
 * Without NATS, both share the in-process bus.
 */
export async function startCatalogHarness(options: HarnessOptions = {}): Promise<CatalogHarness> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const nats = await resolveNats();
    cleanups.push(() => nats.stop());
    const bus: Bus = nats.url ? await connectNatsBus({ servers: nats.url, prefix: nats.prefix }) : createMemoryBus();
    cleanups.push(() => bus.close());
    const database = options.databaseUrl === undefined ? await provisionDatabase({ migrationsDir, label: 'catalog' }) : { url: options.databaseUrl, poolMax: 5, drop: async () => {} };
    cleanups.push(() => database.drop());
    const simulator = await startNeoSimulator({ clientId: 'isp-acme', clientSecret: 'neo-client-secret-value' });
    cleanups.push(() => simulator.stop());

    let logged = '';
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logged += String(chunk);
        done();
      },
    });
    const apiKey = randomBytes(32).toString('base64url');
    const config: CatalogConfig = {
      http: { host: '127.0.0.1', port: 0 },
      logLevel: 'debug',
      bus: { natsUrl: nats.url || undefined, prefix: nats.url ? nats.prefix : undefined },
      database: { url: database.url, poolMax: database.poolMax },
      apiKeys: [apiKey],
      credentialsKey: options.credentialsKey ?? randomBytes(32).toString('base64url'),
      previousCredentialsKeys: options.previousCredentialsKeys ?? [],
      gatewayPublicUrl: 'https://gw.isp.example',
      secretRotationOverlapMs: options.secretRotationOverlapMs ?? 3_600_000,
      platformTimeoutMs: options.platformTimeoutMs ?? 2_000,
      // The NEO simulator listens on 127.0.0.1.
      allowPrivatePlatformUrls: true,
      republishOnStart: false,
    };
    const service = await buildCatalogService(config, {
      ...(nats.url ? {} : { bus }),
      ...(options.platformOffline ? { platform: (connection) => createNeoClient(connection, { timeoutMs: config.platformTimeoutMs, retries: 0, allowPrivateAddresses: true, fetch: simulatorOnly(simulator.url) }) } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      logger: createLogger({ name: 'catalog', level: 'debug', destination }),
    });
    const running: RunningService = await service.start();
    cleanups.push(() => running.stop());

    const messages: Announced[] = [];
    const consumer: Subscription = await bus.consume({ stream: streams.catalog.name, durable: `test-${randomBytes(4).toString('hex')}` }, async (delivery) => {
      messages.push({ subject: delivery.subject, payload: decodeJson(delivery.data) });
      await delivery.ack();
    });
    cleanups.push(() => consumer.stop());
    const gatewayStore = await bus.kv({ bucket: buckets.gatewayIntegrations });

    const api: CatalogHarness['api'] = async (method, url, body, headers) => {
      const response = await service.app.inject({
        method,
        url,
        headers: headers ?? { authorization: `Bearer ${apiKey}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return { status: response.statusCode, body: response.body === '' ? undefined : response.json(), headers: response.headers };
    };

    return {
      service,
      simulator,
      apiKey,
      databaseUrl: database.url,
      busLabel: nats.url ? `NATS (${nats.source})` : `in-process bus (${nats.reason ?? 'no NATS'})`,
      bus,
      api,
      announced: () => messages,
      waitForAnnounced: (match, timeoutMs = 10_000) => eventually(async () => messages.find(match), timeoutMs),
      gatewayRecord: (integrationId, version, timeoutMs = 10_000) =>
        eventually(async () => {
          const entry = await gatewayStore.get(integrationId);
          const record = entry ? (decodeJson(entry.value) as { version: number }) : undefined;
          return record && record.version >= version ? record : undefined;
        }, timeoutMs),
      logs: () => logged,
      async createIntegration(overrides = {}) {
        const created = await api('POST', '/v1/integrations', {
          description: 'NEO',
          platform: { baseUrl: simulator.url, clientId: simulator.credentials.clientId, clientSecret: simulator.credentials.clientSecret },
          ...overrides,
        });
        if (created.status !== 201) throw new Error(`creating an integration answered ${created.status}: ${JSON.stringify(created.body)}`);
        return created.body;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Poll until `probe` returns a value, or fail after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
