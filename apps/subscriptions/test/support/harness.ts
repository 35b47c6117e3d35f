import { randomBytes, randomUUID } from 'node:crypto';
import { connectNatsBus, createMemoryBus, decodeJson, encodeJson, type Bus, type KvStore, type Subscription } from '@sva/bus';
import {
  buckets,
  entitlementKey,
  EntitlementV1,
  GetIntegrationRequestV1,
  GetPackageRequestV1,
  GetPlanRequestV1,
  streams,
  subjects,
  type IntegrationChangedV1,
  type PackageV1,
  type PlanV1,
} from '@sva/contracts';
import { FixedClock } from '@sva/kernel';
import { serveRequests, type RunningService } from '@sva/service-kit';
import { provisionDatabase, resolveNats } from '@sva/testing';
import type { SubscriptionsConfig } from '../../src/config.ts';
import { migrationsDir } from '../../src/index.ts';
import { buildSubscriptionsService } from '../../src/service.ts';

/** An HTTP answer. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

/** An active NEO integration logging in by CPF/CNPJ and syncing subscription status, as the catalog announces it. */
export function newIntegration(fields: Partial<IntegrationChangedV1> = {}): IntegrationChangedV1 {
  return {
    integrationId: randomUUID(),
    version: 1,
    type: 'neo',
    description: 'NEO',
    loginField: 'cpf_cnpj',
    singlePackage: false,
    syncSubscriptionStatus: true,
    active: true,
    changedAt: new Date().toISOString(),
    ...fields,
  };
}

/**
 * A fake catalog on the real bus: answers the catalog's requests from what the test declared, and
 * announces changes on `catalog.*` like the catalog's outbox (msgId per message).
 */
export class FakeCatalog {
  readonly integrations = new Map<string, IntegrationChangedV1>();
  readonly packages = new Map<string, PackageV1>();
  readonly plans = new Map<string, PlanV1>();
  #responders: Subscription[] = [];

  constructor(private readonly bus: Bus) {}

  async start(): Promise<void> {
    this.#responders = await Promise.all([
      serveRequests(this.bus, subjects.rpc.catalogGetPackage, GetPackageRequestV1, async (r) => ({ package: this.packages.get(r.packageId) ?? null })),
      serveRequests(this.bus, subjects.rpc.catalogGetIntegration, GetIntegrationRequestV1, async (r) => ({ integration: this.integrations.get(r.integrationId) ?? null })),
      serveRequests(this.bus, subjects.rpc.catalogGetPlan, GetPlanRequestV1, async (r) => ({ plan: this.plans.get(r.planId) ?? null })),
    ]);
  }

  async stop(): Promise<void> {
    await Promise.all(this.#responders.map((s) => s.stop()));
  }

  /** Declare an integration (known to requests only, until announced). */
  integration(fields: Partial<IntegrationChangedV1> = {}): IntegrationChangedV1 {
    const integration = newIntegration(fields);
    this.integrations.set(integration.integrationId, integration);
    return integration;
  }

  package(grants: PackageV1['grants'], fields: Partial<PackageV1> = {}): PackageV1 {
    const pkg: PackageV1 = { packageId: randomUUID(), version: 1, description: 'Package', priceCents: 1_990, active: true, grants, ...fields };
    this.packages.set(pkg.packageId, pkg);
    return pkg;
  }

  plan(packages: PlanV1['packages'], fields: Partial<PlanV1> = {}): PlanV1 {
    const plan: PlanV1 = { planId: randomUUID(), version: 1, name: 'Fibra 500', downloadMbps: 500, uploadMbps: 250, priceCents: 9_990, active: true, lockPackages: false, packages, ...fields };
    this.plans.set(plan.planId, plan);
    return plan;
  }

  /** Announce a change as the catalog would (and keep it as the current state). Returns the msgId. */
  async announce(subject: string, payload: IntegrationChangedV1 | PackageV1 | PlanV1, msgId: string = randomUUID()): Promise<string> {
    if ('integrationId' in payload && subject === subjects.catalog.integrationChanged) this.integrations.set(payload.integrationId, payload as IntegrationChangedV1);
    if ('packageId' in payload) this.packages.set(payload.packageId, payload);
    if ('planId' in payload) this.plans.set(payload.planId, payload);
    await this.bus.publish(subject, encodeJson({ changedAt: new Date().toISOString(), ...payload }), { msgId });
    return msgId;
  }
}

export interface HarnessOptions {
  readonly clock?: FixedClock;
  readonly trialSweepIntervalMs?: number;
  readonly standingBatchSize?: number;
  /** Customers per step of the billing close job. */
  readonly closeBatchSize?: number;
  /** Extra replicas of the service on the same database and bus (for "safe in every replica"). */
  readonly replicas?: number;
  readonly logLevel?: string;
}

/** Subscriptions on real PostgreSQL and NATS (or the embedded equivalents), with a fake catalog on the bus. */
export interface Harness {
  readonly url: string;
  readonly urls: readonly string[];
  readonly clock: FixedClock;
  readonly bus: Bus;
  /** Where the database runs: replicas need a real server (embedded PGlite serves one connection). */
  readonly databaseSource: 'env' | 'container' | 'embedded';
  /** The service's database, for tests that inject a fault (a trigger) or change a row no API changes. */
  readonly databaseUrl: string;
  readonly catalog: FakeCatalog;
  readonly onNats: boolean;
  readonly label: string;
  readonly poolMax: number;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>, base?: string): Promise<Answer>;
  /** Call and expect a 2xx; returns the body. */
  ok(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<any>;
  /** The entitlement record the gateway's view would read now, or `null`. */
  kvRecord(integrationId: string, customerId: string): Promise<EntitlementV1 | null>;
  /** Poll until `probe` returns a value, or fail after `timeoutMs`. */
  eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs?: number): Promise<T>;
  /** A customer with an enabled service; returns their ids. */
  customerWithService(service?: Record<string, unknown>, customer?: Record<string, unknown>): Promise<{ customerId: string; serviceId: string; service: any }>;
  stop(): Promise<void>;
}

export const API_KEY = 'test-api-key-0123456789abcdef';
export const LOGIN_HASH_KEY = 'test-login-hash-key-0123456789abcdef';

/** Valid CPFs (check digits) for tests: each harness call hands out a new one. */
export function validCpf(): string {
  const digits = Array.from(randomBytes(9), (b) => b % 10);
  if (new Set(digits).size === 1) digits[0] = (digits[0]! + 1) % 10;
  const check = (weights: number) => {
    const sum = digits.reduce((total, d, i) => total + d * (weights - i), 0);
    const rest = sum % 11;
    return rest < 2 ? 0 : 11 - rest;
  };
  digits.push(check(10));
  digits.push(check(11));
  return digits.join('');
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const nats = await resolveNats();
    cleanups.push(() => nats.stop());
    const bus: Bus = nats.url ? await connectNatsBus({ servers: nats.url, prefix: nats.prefix }) : createMemoryBus();
    cleanups.push(() => bus.close());
    const database = await provisionDatabase({ migrationsDir, label: 'subscriptions' });
    cleanups.push(() => database.drop());
    await bus.ensureStream(streams.catalog);
    const catalog = new FakeCatalog(bus);
    await catalog.start();
    cleanups.push(() => catalog.stop());
    const clock = options.clock ?? new FixedClock('2026-11-28T12:00:00Z');
    const poolMax = database.poolMax;
    if (options.replicas && database.source === 'embedded') throw new Error('replicas need a PostgreSQL server: embedded PGlite serves one connection');
    const config: SubscriptionsConfig = {
      http: { host: '127.0.0.1', port: 0 },
      logLevel: options.logLevel ?? 'silent',
      bus: { natsUrl: undefined, prefix: undefined },
      database: { url: database.url, poolMax },
      apiKeys: [API_KEY],
      loginHashKey: LOGIN_HASH_KEY,
      catalogTimeoutMs: 2_000,
      republishOnStart: false,
      trialSweepIntervalMs: options.trialSweepIntervalMs ?? 3_600_000,
      ...(options.standingBatchSize ? { standingBatchSize: options.standingBatchSize } : {}),
      ...(options.closeBatchSize ? { billing: { closeBatchSize: options.closeBatchSize } } : {}),
    };
    const running: RunningService[] = [];
    for (let i = 0; i < 1 + (options.replicas ?? 0); i += 1) {
      const service = await (await buildSubscriptionsService(config, { bus, clock })).start();
      running.push(service);
      cleanups.push(() => service.stop());
    }
    const kv: KvStore = await bus.kv({ bucket: buckets.entitlements });

    const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}, base = running[0]!.url): Promise<Answer> => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${API_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
    };
    const eventually = async <T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (value !== undefined && value !== null && value !== false) return value;
        if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    const ok = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
      const answer = await call(method, path, body, headers);
      if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return answer.body;
    };
    return {
      url: running[0]!.url,
      urls: running.map((r) => r.url),
      clock,
      bus,
      databaseSource: database.source,
      databaseUrl: database.url,
      catalog,
      onNats: Boolean(nats.url),
      label: `PostgreSQL from ${database.source}, bus: ${nats.url ? `NATS (${nats.source})` : `in-process (${nats.reason ?? 'no NATS'})`}`,
      poolMax,
      call,
      ok,
      async kvRecord(integrationId, customerId) {
        const entry = await kv.get(entitlementKey(integrationId, customerId));
        return entry && entry.operation === 'put' ? EntitlementV1.parse(decodeJson(entry.value)) : null;
      },
      eventually,
      async customerWithService(service = {}, customer = {}) {
        const created = await ok('POST', '/v1/customers', { name: 'Maria da Silva', document: validCpf(), ...customer });
        const svc = await ok('POST', `/v1/customers/${created.id}/services`, { status: 'enabled', ...service });
        return { customerId: created.id, serviceId: svc.id, service: svc };
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
