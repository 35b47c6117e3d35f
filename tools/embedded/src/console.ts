import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildConsoleServer, buildWebAppIfNeeded, consoleDefaults, defaultWebDir, generatePassword, migrationsDir } from '@sva/console';
import { applyMigrations, ensureDatabase, startEmbeddedPostgres } from '@sva/db';
import type { DatabaseConfig } from '@sva/service-kit';

export interface EmbeddedConsoleOptions {
  /** The embedded mode's data folder: the console's PGlite and its admin password live there. */
  readonly dataDir: string;
  /** The console's own database; an embedded PGlite under `dataDir` when not given. */
  readonly databaseUrl?: string | undefined;
  readonly urls: { readonly catalog: string; readonly subscriptions: string; readonly billing: string; readonly demoClock?: string };
  readonly apiKey: string;
  readonly host: string;
  /** Default 3000 (`CONSOLE_PORT`); 0 picks a free port. */
  readonly port: number;
  readonly logLevel: string;
}

export interface EmbeddedConsole {
  readonly url: string;
  /** The first admin's login. `password` is set only on the start that created the account (show it once). */
  readonly admin: { readonly username: 'admin'; readonly password: string | undefined; readonly file: string };
  stop(): Promise<void>;
}

/**
 * The operator console beside the embedded system: builds the web app when its build is missing or
 * stale, migrates its database, and serves it. With no account yet, `admin` is created with a
 * generated password kept in `<dataDir>/console-admin.json` (mode 600), beside the other secrets.
 */
export async function startEmbeddedConsole(options: EmbeddedConsoleOptions): Promise<EmbeddedConsole> {
  await buildWebAppIfNeeded();
  const stops: Array<() => Promise<void>> = [];
  let database: DatabaseConfig;
  if (options.databaseUrl) {
    await ensureDatabase(options.databaseUrl);
    await applyMigrations({ url: options.databaseUrl, migrationsDir });
    database = { url: options.databaseUrl, poolMax: 5 };
  } else {
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(options.dataDir, 'pg', 'console'), port: 0, host: '127.0.0.1' });
    stops.push(() => embedded.stop());
    await applyMigrations({ url: embedded.url, migrationsDir });
    database = { url: embedded.url, poolMax: embedded.poolMax };
  }
  const file = path.join(options.dataDir, 'console-admin.json');
  const stored = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as { password: string }).password : undefined;
  const password = stored ?? generatePassword();
  if (!stored) await writeFile(file, `${JSON.stringify({ username: 'admin', password }, null, 2)}\n`, { mode: 0o600 });
  try {
    const built = await buildConsoleServer(
      {
        ...consoleDefaults,
        http: { host: options.host, port: options.port },
        logLevel: options.logLevel,
        database,
        services: { catalog: options.urls.catalog, subscriptions: options.urls.subscriptions, billing: options.urls.billing },
        // `--demo-clock`: the console forwards to it (admins only), as CONSOLE_DEMO_CLOCK_URL does for a console run alone.
        ...(options.urls.demoClock ? { demoClockUrl: options.urls.demoClock } : {}),
        serviceApiKey: options.apiKey,
        webDir: defaultWebDir,
      },
      { firstAdminPassword: password },
    );
    const running = await built.start();
    stops.unshift(() => running.stop());
    return {
      url: running.url,
      admin: { username: 'admin', password: built.firstAdminPassword, file },
      stop: async () => {
        for (const stop of stops) await stop();
      },
    };
  } catch (error) {
    for (const stop of stops) await stop().catch(() => undefined);
    throw error;
  }
}
