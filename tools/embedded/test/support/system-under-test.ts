import { randomBytes } from 'node:crypto';
import { migrationsDir as billingMigrations } from '@sva/billing-status';
import { connectNatsBus, createMemoryBus, type Bus } from '@sva/bus';
import { migrationsDir as catalogMigrations } from '@sva/catalog';
import { startNeoSimulator, type NeoSimulator } from '@sva/neo-simulator';
import { migrationsDir as subscriptionsMigrations } from '@sva/subscriptions';
import { provisionDatabase, resolveNats } from '@sva/testing';
import { startSystem, type RunningSystem, type SystemOptions } from '../../src/system.ts';

/** An answer of one of the services' HTTP APIs, its JSON body parsed (null when empty). */
export interface ApiAnswer {
  readonly status: number;
  readonly body: Record<string, any>;
}

/** The whole system as the end-to-end tests drive it, with a NEO simulator beside it. */
export interface SystemUnderTest {
  /** The running system (a new one after `restart`). */
  readonly system: RunningSystem;
  /** The services' databases (a test reaching under the APIs, e.g. to make rows as older code wrote them). */
  readonly databases: SystemOptions['databases'];
  /** Stop the four services and start them again on the same databases and bus, with this environment (e.g. a key rotation step). */
  restart(env: NodeJS.ProcessEnv): Promise<RunningSystem>;
  readonly simulator: NeoSimulator;
  /** The operator API key the system accepts. */
  readonly apiKey: string;
  /** Call an operator API with the test's API key; a body is sent as JSON. */
  call(base: string, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer>;
  /** POST that must answer 201; its body. */
  created(base: string, path: string, body: unknown): Promise<Record<string, any>>;
  /** Move the demo clock (the system must run with one); fails unless it answers 200 and every job ran. Its answer. */
  advanceClock(by: Record<string, number>): Promise<Record<string, any>>;
  /** A call to the NEO simulator's control API (`/control/v1…`); a body is sent as JSON. */
  controlSimulator(method: string, path: string, body?: unknown): Promise<Response>;
  /** The simulator's credentials as an integration's `platform` block. */
  platform(): { baseUrl: string; clientId: string; clientSecret: string };
  stop(): Promise<void>;
}

/**
 * Start all four services as `npm start` does, on real PostgreSQL and NATS when the environment
 * provides them (CI does), else on the embedded equivalents; each run gets its own databases and
 * bus prefix. `options` adds what a test needs (a fixed clock, faster schedulers).
 */
export async function startSystemUnderTest(label: string, options: Pick<SystemOptions, 'clock' | 'demoClock' | 'trialSweepIntervalMs' | 'billingSchedulerIntervalMs' | 'env' | 'ports' | 'financialSimulator'> = {}): Promise<SystemUnderTest> {
  const apiKey = randomBytes(32).toString('base64url');
  const cleanups: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  };
  try {
    const nats = await resolveNats();
    cleanups.push(() => nats.stop());
    const bus: Bus = nats.url ? await connectNatsBus({ servers: nats.url, prefix: nats.prefix }) : createMemoryBus();
    cleanups.unshift(() => bus.close());
    const [catalog, subscriptions, billing] = await Promise.all([
      provisionDatabase({ migrationsDir: catalogMigrations, label: 'catalog' }),
      provisionDatabase({ migrationsDir: subscriptionsMigrations, label: 'subscriptions' }),
      provisionDatabase({ migrationsDir: billingMigrations, label: 'billing' }),
    ]);
    cleanups.push(() => catalog.drop(), () => subscriptions.drop(), () => billing.drop());
    console.info(`${label} on PostgreSQL from ${catalog.source}, bus: ${nats.url ? `NATS (${nats.source})` : 'in-process (no NATS available)'}`);
    const simulator = await startNeoSimulator();
    cleanups.push(() => simulator.stop());
    const systemOptions: SystemOptions = {
      bus,
      databases: { catalog, subscriptions, billing },
      secrets: { apiKey, loginHashKey: randomBytes(32).toString('base64url'), credentialsKey: randomBytes(32).toString('base64url') },
      ...options,
      ports: options.ports ?? { catalog: 0, subscriptions: 0, billing: 0, gateway: 0, demoClock: 0, financial: 0 },
    };
    let system: RunningSystem | undefined = await startSystem(systemOptions);
    cleanups.unshift(async () => system?.stop());

    const call = async (base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as Record<string, any> };
    };
    return {
      get system() {
        return system!;
      },
      databases: systemOptions.databases,
      async restart(env) {
        await system?.stop();
        system = undefined;
        system = await startSystem({ ...systemOptions, env });
        return system;
      },
      simulator,
      apiKey,
      call,
      async created(base, path, body) {
        const answer = await call(base, 'POST', path, body);
        if (answer.status !== 201) throw new Error(`POST ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        return answer.body;
      },
      async advanceClock(by) {
        if (!system?.urls.demoClock) throw new Error('the system runs without a demo clock');
        const moved = await call(system.urls.demoClock, 'POST', '/v1/demo-clock/advance', by);
        if (moved.status !== 200 || !moved.body.jobs.every((job: { ok: boolean }) => job.ok)) throw new Error(`advancing the demo clock answered ${moved.status}: ${JSON.stringify(moved.body)}`);
        return moved.body;
      },
      controlSimulator: (method, path, body) =>
        fetch(`${simulator.url}/control/v1${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) }),
      platform: () => ({ baseUrl: simulator.url, clientId: simulator.credentials.clientId, clientSecret: simulator.credentials.clientSecret }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Poll until `probe` returns a value, or fail after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** GET a URL without credentials (NEO's calls) and parse its JSON. */
export async function getJson(url: string): Promise<Record<string, any>> {
  return (await (await fetch(url)).json()) as Record<string, any>;
}
