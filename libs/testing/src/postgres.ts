import { randomBytes } from 'node:crypto';
import { applyMigrations, startEmbeddedPostgres, withDatabaseName } from '@sva/db';
import pg from 'pg';

export interface ProvisionDatabaseOptions {
  /** The service's `prisma/migrations` folder, applied to the new database. */
  readonly migrationsDir: string;
  /** Readable part of the database name (`t_<label>_<random>`), e.g. the service or test file. */
  readonly label?: string;
}

/** A fresh, migrated database owned by one caller. */
export interface ProvisionedDatabase {
  /** Connection URL of this database only. */
  readonly url: string;
  /** The pool size to give `createPrismaClient`/`pg.Pool`: 1 on embedded PGlite, which serves one connection. */
  readonly poolMax: number;
  /**
   * `'env'`: a database on the server of `DATABASE_URL`; `'container'`: on a testcontainers
   * PostgreSQL 15 shared by the process; `'embedded'`: an in-memory PGlite of its own.
   */
  readonly source: 'env' | 'container' | 'embedded';
  /** Drops the database (terminating its connections) or stops the PGlite. Idempotent. */
  drop(): Promise<void>;
}

/** Pool size suggested on a real server: enough for concurrency tests, modest across parallel files. */
const SERVER_POOL_MAX = 5;

interface SharedContainer {
  readonly url: string;
  stop(): Promise<void>;
}

// Once per process: without a container runtime the probe fails in well under a second, and a
// container start is slow, so every caller shares the first attempt (and the container).
let containerAttempt: Promise<SharedContainer | undefined> | undefined;
let containerUsers = 0;

async function startContainer(): Promise<SharedContainer | undefined> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const started = await new PostgreSqlContainer('postgres:15-alpine').start();
    return {
      url: started.getConnectionUri(),
      stop: async () => {
        await started.stop();
      },
    };
  } catch {
    return undefined;
  }
}

/**
 * Gives the caller its OWN database with the migrations of `migrationsDir` applied:
 * - `DATABASE_URL` set: creates `t_<label>_<random>` on that server;
 * - otherwise, when a container runtime answers: the same on a PostgreSQL 15 container shared by
 *   the process (stopped when its last database is dropped);
 * - otherwise: an in-memory embedded PGlite (`poolMax` 1).
 *
 * ```ts
 * const db = await provisionDatabase({ migrationsDir: 'prisma/migrations', label: 'catalog' });
 * const prisma = createPrismaClient(PrismaClient, { url: db.url, poolMax: db.poolMax });
 * afterAll(async () => { await prisma.$disconnect(); await db.drop(); });
 * ```
 */
export async function provisionDatabase(options: ProvisionDatabaseOptions): Promise<ProvisionedDatabase> {
  const fromEnv = process.env['DATABASE_URL'];
  if (fromEnv) return databaseOnServer(fromEnv, 'env', options, async () => {});

  containerAttempt ??= startContainer();
  const container = await containerAttempt;
  if (container) {
    containerUsers += 1;
    return databaseOnServer(container.url, 'container', options, async () => {
      containerUsers -= 1;
      if (containerUsers === 0) {
        containerAttempt = undefined;
        await container.stop();
      }
    });
  }

  const embedded = await startEmbeddedPostgres();
  try {
    await applyMigrations({ url: embedded.url, migrationsDir: options.migrationsDir });
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return { url: embedded.url, poolMax: embedded.poolMax, source: 'embedded', drop: once(() => embedded.stop()) };
}

async function databaseOnServer(
  serverUrl: string,
  source: 'env' | 'container',
  options: ProvisionDatabaseOptions,
  release: () => Promise<void>,
): Promise<ProvisionedDatabase> {
  const label = (options.label ?? 'db').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 30);
  const name = `t_${label || 'db'}_${randomBytes(4).toString('hex')}`;
  const drop = once(async () => {
    try {
      await admin(serverUrl, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    } finally {
      await release();
    }
  });
  try {
    await admin(serverUrl, `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    const url = withDatabaseName(serverUrl, name);
    await applyMigrations({ url, migrationsDir: options.migrationsDir });
    return { url, poolMax: SERVER_POOL_MAX, source, drop };
  } catch (error) {
    await drop().catch(() => {});
    throw error;
  }
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, application_name: 'sva-testing' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
