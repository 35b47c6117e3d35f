import { buildConsoleServer, buildWebAppIfNeeded, consoleDefaults, defaultWebDir, migrationsDir as consoleMigrations } from '@sva/console';
import { startNeoSimulator } from '@sva/neo-simulator';
import { provisionDatabase } from '@sva/testing';
import { startServices } from '../services.ts';

export interface ConsoleSystem {
  readonly consoleUrl: string;
  readonly adminPassword: string;
  readonly urls: { readonly catalog: string; readonly subscriptions: string; readonly billing: string; readonly gateway: string };
  readonly neo: { readonly baseUrl: string; readonly clientId: string; readonly clientSecret: string };
  /** A call straight to a service with the operator key (test setup the screens do not cover). */
  api<T>(service: 'catalog' | 'subscriptions' | 'billing', method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** The four services, the NEO simulator and the console, each service on a database of its own. */
export async function startConsoleSystem(): Promise<ConsoleSystem> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    await buildWebAppIfNeeded();
    const consoleDatabase = await provisionDatabase({ migrationsDir: consoleMigrations, label: 'console-e2e' });
    cleanups.push(() => consoleDatabase.drop());
    const neo = { clientId: 'e2e', clientSecret: 'e2e-secret' };
    const simulator = await startNeoSimulator({ host: '127.0.0.1', port: 0, ...neo });
    cleanups.push(() => simulator.stop());
    const system = await startServices();
    cleanups.push(() => system.stop());
    const apiKey = system.apiKey;
    const built = await buildConsoleServer({
      ...consoleDefaults,
      http: { host: '127.0.0.1', port: 0 },
      logLevel: 'silent',
      database: { url: consoleDatabase.url, poolMax: consoleDatabase.poolMax },
      services: system.urls,
      serviceApiKey: apiKey,
      webDir: defaultWebDir,
    });
    const running = await built.start();
    cleanups.push(() => running.stop());
    return {
      consoleUrl: running.url,
      adminPassword: built.firstAdminPassword!,
      urls: system.urls,
      neo: { baseUrl: simulator.url, ...neo },
      async api<T>(service: 'catalog' | 'subscriptions' | 'billing', method: string, path: string, body?: unknown) {
        const response = await fetch(`${system.urls[service]}${path}`, {
          method,
          headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
        return (text ? JSON.parse(text) : undefined) as T;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Retries `attempt` until it resolves (a service learns of another's change over the bus a moment later). */
export async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
}
