/**
 * `npm start`: the whole system in one process, with nothing but Node installed.
 *
 * - Each service with a database gets an embedded PostgreSQL (PGlite) persisted under the data
 *   folder (`.data/` by default, `SVA_DATA_DIR` to change), unless `<SERVICE>_DATABASE_URL` is set.
 * - The services share an in-process bus, unless `NATS_URL` is set.
 * - A NEO simulator serves the platform's product API, unless `NEO_BASE_URL` is set.
 * - A financial-module simulator closes months and invoices them (`npm run financial`).
 * - Secrets are generated on the first run and kept in the data folder.
 * - The demo (a NEO integration, a package, a customer) is seeded on the first run or with `--seed`.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { migrationsDir as billingMigrations } from '@sva/billing-status';
import { connectNatsBus, createMemoryBus, type Bus } from '@sva/bus';
import { migrationsDir as catalogMigrations } from '@sva/catalog';
import { applyMigrations, ensureDatabase, startEmbeddedPostgres } from '@sva/db';
import { startNeoSimulator } from '@sva/neo-simulator';
import { env, parseEnv } from '@sva/service-kit';
import { migrationsDir as subscriptionsMigrations } from '@sva/subscriptions';
import { z } from 'zod';
import { startEmbeddedConsole } from './console.ts';
import { createDemoClock, demoClockRefusal } from './demo-clock.ts';
import { demoCurls, demoEnvFile, seedDemo, waitUntilAuthorised, type DemoData } from './demo.ts';
import { startSystem, type EmbeddedDatabase, type SystemSecrets } from './system.ts';

const Env = z.object({
  SVA_DATA_DIR: z.string().default('.data'),
  NATS_URL: env.natsUrl().optional(),
  BUS_PREFIX: z.string().optional(),
  CATALOG_DATABASE_URL: env.postgresUrl().optional(),
  SUBSCRIPTIONS_DATABASE_URL: env.postgresUrl().optional(),
  BILLING_DATABASE_URL: env.postgresUrl().optional(),
  NEO_BASE_URL: z.url().optional(),
  NEO_CLIENT_ID: z.string().default('demo'),
  NEO_CLIENT_SECRET: z.string().default('demo-secret'),
  NEO_SIMULATOR_PORT: env.port(3010),
  /** Default of every `*_HOST` not set. */
  HOST: z.string().default('127.0.0.1'),
  CONSOLE_PORT: env.port(3000),
  /** The console's log level (the services read LOG_LEVEL through their own configuration). */
  LOG_LEVEL: env.logLevel().default('warn'),
  CONSOLE_DATABASE_URL: env.postgresUrl().optional(),
});

const stops: Array<() => Promise<unknown>> = [];

async function main(): Promise<void> {
  const config = parseEnv(Env);
  let demoClock;
  if (process.argv.includes('--demo-clock')) {
    const refusal = demoClockRefusal(process.env);
    if (refusal) throw new Error(`--demo-clock refused: ${refusal}. The demo clock moves time for every service; it is for local demos and training only.`);
    demoClock = createDemoClock();
  }
  const dataDir = path.resolve(config.SVA_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  const secrets = await loadOrCreateSecrets(path.join(dataDir, 'secrets.json'));

  const database = async (name: string, url: string | undefined, migrationsDir: string): Promise<EmbeddedDatabase> => {
    if (url) {
      await ensureDatabase(url);
      await applyMigrations({ url, migrationsDir });
      return { url }; // its pool size: <SERVICE>_DATABASE_POOL_MAX
    }
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg', name), port: 0, host: '127.0.0.1' });
    stops.push(() => embedded.stop());
    await applyMigrations({ url: embedded.url, migrationsDir });
    return { url: embedded.url, poolMax: embedded.poolMax };
  };
  const databases = {
    catalog: await database('catalog', config.CATALOG_DATABASE_URL, catalogMigrations),
    subscriptions: await database('subscriptions', config.SUBSCRIPTIONS_DATABASE_URL, subscriptionsMigrations),
    billing: await database('billing-status', config.BILLING_DATABASE_URL, billingMigrations),
  };

  const bus: Bus = config.NATS_URL
    ? await connectNatsBus({ servers: config.NATS_URL.split(','), name: 'sva-embedded', ...(config.BUS_PREFIX ? { prefix: config.BUS_PREFIX } : {}) })
    : createMemoryBus();
  stops.push(() => bus.close());

  let neo = { baseUrl: config.NEO_BASE_URL ?? '', clientId: config.NEO_CLIENT_ID, clientSecret: config.NEO_CLIENT_SECRET };
  if (!config.NEO_BASE_URL) {
    const simulator = await startNeoSimulator({ host: config.HOST, port: config.NEO_SIMULATOR_PORT, clientId: neo.clientId, clientSecret: neo.clientSecret }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      throw new Error(`NEO simulator: port ${config.NEO_SIMULATOR_PORT} is already in use; set NEO_SIMULATOR_PORT to a free port (0 picks one)`, { cause: error });
    });
    stops.push(() => simulator.stop());
    neo = { ...neo, baseUrl: simulator.url };
  }

  const system = await startSystem({
    bus,
    databases,
    secrets,
    host: config.HOST,
    ...(demoClock ? { demoClock } : {}),
    // The in-process bus starts empty: rebuild its copy of integrations and entitlements from the databases.
    republishOnStart: !config.NATS_URL,
    financialSimulator: true,
  });
  stops.unshift(() => system.stop());

  const operatorConsole = await startEmbeddedConsole({
    dataDir, databaseUrl: config.CONSOLE_DATABASE_URL, urls: system.urls, apiKey: secrets.apiKey, host: config.HOST, port: config.CONSOLE_PORT, logLevel: config.LOG_LEVEL,
  });
  stops.unshift(() => operatorConsole.stop());

  const demoFile = path.join(dataDir, 'demo.json');
  let demo: DemoData;
  if (process.argv.includes('--seed') || !existsSync(demoFile)) {
    demo = await seedDemo(system.urls, secrets.apiKey, neo);
    await writeFile(demoFile, `${JSON.stringify(demo, null, 2)}\n`);
  } else {
    demo = JSON.parse(await readFile(demoFile, 'utf8')) as DemoData;
    await waitUntilAuthorised(demo);
  }
  const demoEnv = path.join(dataDir, 'demo.env');
  await writeFile(demoEnv, demoEnvFile(demo, system.urls, secrets.apiKey), { mode: 0o600 });
  await chmod(demoEnv, 0o600);

  process.stdout.write(
    [
      '',
      'SVA platform running (embedded mode)',
      `  console        ${operatorConsole.url}   (user admin, password ${operatorConsole.admin.password ?? `in ${operatorConsole.admin.file}`})`,
      `  catalog        ${system.urls.catalog}   (OpenAPI: /openapi.json)`,
      `  subscriptions  ${system.urls.subscriptions}`,
      `  billing-status ${system.urls.billing}`,
      `  neo-gateway    ${system.urls.gateway}`,
      ...(system.urls.demoClock ? [`  demo clock     ${system.urls.demoClock}   (POST /v1/demo-clock/advance {"days":1}; time-driven jobs run at once)`] : []),
      ...(system.urls.financial ? [`  financial      ${system.urls.financial}   (simulator: npm run financial -- close-and-invoice YYYY-MM; pay <invoiceId>)`] : []),
      `  NEO platform   ${neo.baseUrl}${config.NEO_BASE_URL ? '' : ' (simulator)'}`,
      `  bus            ${config.NATS_URL ? `NATS ${config.NATS_URL}` : 'in-process'}`,
      `  data           ${dataDir}`,
      '',
      `Operator API key (Authorization: Bearer …): ${secrets.apiKey}`,
      '',
      `Demo integration callback URL (NEO calls this): ${demo.callbackUrl}`,
      `The demo's values (API key, callback URL, subscriber id…): source ${path.relative(process.cwd(), demoEnv) || demoEnv}`,
      'then try NEO\'s two calls:',
      demoCurls(),
      '',
      'Ctrl-C stops.',
      '',
    ].join('\n'),
  );
}

async function loadOrCreateSecrets(file: string): Promise<SystemSecrets> {
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as SystemSecrets;
  const secret = () => randomBytes(32).toString('base64url');
  const secrets: SystemSecrets = { apiKey: secret(), loginHashKey: secret(), credentialsKey: secret() };
  await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

async function shutdown(code: number): Promise<never> {
  for (const stop of stops) {
    try {
      await stop();
    } catch (error) {
      process.stderr.write(`while stopping: ${String(error)}\n`);
    }
  }
  process.exit(code);
}

process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));
main().catch(async (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await shutdown(1);
});
