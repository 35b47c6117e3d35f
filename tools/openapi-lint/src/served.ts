import { randomBytes } from 'node:crypto';
import { createMemoryBus } from '@sva/bus';
import { migrationsDir as billingMigrations } from '@sva/billing-status';
import { migrationsDir as catalogMigrations } from '@sva/catalog';
import { startSystem } from '@sva/embedded';
import { migrationsDir as subscriptionsMigrations } from '@sva/subscriptions';
import { provisionDatabase } from '@sva/testing';

export type ServiceName = 'catalog' | 'subscriptions' | 'billing' | 'gateway';

/** The four services as they run (embedded system, each on a database of its own), for reading what they serve. */
export interface ServedSystem {
  readonly urls: Readonly<Record<ServiceName, string>>;
  /** GET `/openapi.json` of a service, over HTTP, as a client generator would. */
  document(service: ServiceName): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startServedSystem(): Promise<ServedSystem> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const bus = createMemoryBus({ onError: () => {} });
    cleanups.push(() => bus.close());
    const databases = await Promise.all(
      [catalogMigrations, subscriptionsMigrations, billingMigrations].map((migrationsDir, n) => provisionDatabase({ migrationsDir, label: `openapi-${n}` })),
    );
    for (const database of databases) cleanups.push(() => database.drop());
    const [catalog, subscriptions, billing] = databases.map((database) => ({ url: database.url, poolMax: database.poolMax }));
    const secret = () => randomBytes(32).toString('base64url');
    const system = await startSystem({
      bus,
      databases: { catalog: catalog!, subscriptions: subscriptions!, billing: billing! },
      secrets: { apiKey: secret(), loginHashKey: secret(), credentialsKey: secret() },
      ports: { catalog: 0, subscriptions: 0, billing: 0, gateway: 0 },
      host: '127.0.0.1',
      logLevel: 'silent',
    });
    cleanups.push(() => system.stop());
    return {
      urls: system.urls,
      async document(service) {
        const response = await fetch(`${system.urls[service]}/openapi.json`);
        if (response.status !== 200) throw new Error(`${service} /openapi.json answered ${response.status}`);
        return (await response.json()) as Record<string, unknown>;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
