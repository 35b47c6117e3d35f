import { randomBytes, randomUUID } from 'node:crypto';
import { connectNatsBus, createMemoryBus, decodeJson, type Bus } from '@sva/bus';
import { StandingChangedV1, streams } from '@sva/contracts';
import { DAY_MS, FixedClock } from '@sva/kernel';
import { createLogger, type RunningService } from '@sva/service-kit';
import { provisionDatabase, resolveNats, type ProvisionedDatabase } from '@sva/testing';
import { migrationsDir } from '../src/index.ts';
import { buildBillingService } from '../src/service.ts';
import type { BillingConfig } from '../src/config.ts';

/** A billing-status under test: real PostgreSQL (or PGlite), NATS (or the in-process bus), a clock moved by hand. */
export interface BillingHarness {
  readonly url: string;
  readonly clock: FixedClock;
  readonly bus: Bus;
  readonly database: ProvisionedDatabase;
  readonly busLabel: string;
  /** Standing changes seen on stream BILLING, in arrival order. */
  readonly events: StandingChangedV1[];
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Start another replica on the same database and bus. */
  startReplica(): Promise<RunningService>;
  /** Move the clock to `days` later at 12:00 UTC (09:00 in São Paulo, after the 06:00 evaluation time). */
  advanceDays(days: number): void;
  today(): string;
  stop(): Promise<void>;
}

export const apiKey = randomBytes(32).toString('base64url');

/** Start billing-status with a scheduler ticking every 50 ms and a FixedClock at `start`. */
export async function startBilling(start = '2026-11-20T12:00:00Z', overrides: Partial<BillingConfig> = {}): Promise<BillingHarness> {
  const nats = await resolveNats();
  const bus = nats.url ? await connectNatsBus({ servers: nats.url, prefix: nats.prefix }) : createMemoryBus();
  const database = await provisionDatabase({ migrationsDir, label: 'billing' });
  const clock = new FixedClock(start);
  const logger = createLogger({ name: 'billing-status', level: 'warn' });
  const config: BillingConfig = {
    http: { host: '127.0.0.1', port: 0 },
    logLevel: 'warn',
    bus: { natsUrl: undefined, prefix: undefined },
    database: { url: database.url, poolMax: database.poolMax },
    apiKeys: [apiKey],
    graceDays: 5,
    timeZone: 'America/Sao_Paulo',
    maxTrustUnblockDays: 7,
    dailyEvaluationTime: '06:00',
    schedulerIntervalMs: 50,
    evaluationBatchSize: 3,
    evaluationConcurrency: 2,
    ...overrides,
  };
  const running: RunningService[] = [await (await buildBillingService(config, { bus, clock, logger })).start()];
  const events: StandingChangedV1[] = [];
  await bus.ensureStream(streams.billing);
  const observer = await bus.consume({ stream: streams.billing.name, durable: `observer-${randomUUID().slice(0, 8)}` }, async (delivery) => {
    events.push(StandingChangedV1.parse(decodeJson(delivery.data)));
    await delivery.ack();
  });
  const url = running[0]!.url;
  return {
    url,
    clock,
    bus,
    database,
    busLabel: nats.url ? `NATS (${nats.source})` : 'the in-process bus',
    events,
    async call(method, path, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: await response.json() };
    },
    async startReplica() {
      const replica = await (await buildBillingService(config, { bus, clock, logger })).start();
      running.push(replica);
      return replica;
    },
    advanceDays(days) {
      const next = new Date(clock.now().getTime() + days * DAY_MS);
      next.setUTCHours(12, 0, 0, 0);
      clock.set(next);
    },
    today: () => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo' }).format(clock.now()),
    async stop() {
      await observer.stop();
      for (const service of running.reverse()) await service.stop();
      await bus.close();
      await database.drop();
      await nats.stop();
    },
  };
}

/** Poll until `probe` returns a value, or fail after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const newCustomer = () => randomUUID();
