import { randomBytes } from 'node:crypto';
import { migrationsDir as billingMigrations } from '@sva/billing-status';
import { createMemoryBus } from '@sva/bus';
import { migrationsDir as catalogMigrations } from '@sva/catalog';
import { startSystem, type RunningSystem } from '@sva/embedded';
import { migrationsDir as subscriptionsMigrations } from '@sva/subscriptions';
import { provisionDatabase } from '@sva/testing';

export interface RunningServices {
  readonly urls: RunningSystem['urls'];
  /** The operator API key the services accept. */
  readonly apiKey: string;
  stop(): Promise<void>;
}

/**
 * The four services (embedded system, in-process bus), each on a throwaway database of its own
 * (`DATABASE_URL`'s server, a container or PGlite), on free ports.
 */
export async function startServices(): Promise<RunningServices> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const bus = createMemoryBus({ onError: () => {} });
    cleanups.push(() => bus.close());
    const databases = await Promise.all(
      [catalogMigrations, subscriptionsMigrations, billingMigrations].map((migrationsDir, n) => provisionDatabase({ migrationsDir, label: `console-${n}` })),
    );
    for (const database of databases) cleanups.push(() => database.drop());
    const [catalog, subscriptions, billing] = databases.map((database) => ({ url: database.url, poolMax: database.poolMax }));
    const secret = () => randomBytes(32).toString('base64url');
    const apiKey = secret();
    const system = await startSystem({
      bus,
      databases: { catalog: catalog!, subscriptions: subscriptions!, billing: billing! },
      secrets: { apiKey, loginHashKey: secret(), credentialsKey: secret() },
      ports: { catalog: 0, subscriptions: 0, billing: 0, gateway: 0 },
      logLevel: 'silent',
    });
    cleanups.push(() => system.stop());
    return { urls: system.urls, apiKey, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
