import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { withDatabaseName } from '../src/connection-url.ts';

/** The fixture service: `schema.prisma` and two committed migrations. */
export const FIXTURE_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const FIXTURE_SCHEMA = path.join(FIXTURE_DIR, 'schema.prisma');
export const FIXTURE_MIGRATIONS = path.join(FIXTURE_DIR, 'migrations');
export const FIXTURE_MIGRATION_NAMES = ['20250101000000_init', '20250102000000_add_widget_size'];
export const WORKSPACE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The real PostgreSQL server for the server tests: `DATABASE_URL` (CI sets it). Each test
 * creates and drops its own databases on it. Unset (a machine with only Node), the server
 * tests are skipped and say so; the embedded-PGlite tests still run.
 */
export const SERVER_URL = process.env['DATABASE_URL'] ?? '';

/** Suffix for the titles of suites that need a server, so a skip explains itself. */
export const NEEDS_SERVER = SERVER_URL ? '' : ' (skipped: DATABASE_URL is not set)';

export async function sql<R extends pg.QueryResultRow = Record<string, unknown>>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export interface TempDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** A name for a database of this test run, not created yet. */
export function tempDatabaseName(label: string): string {
  return `t_db_${label}_${randomBytes(4).toString('hex')}`;
}

/** A new empty database on {@link SERVER_URL}. */
export async function createTempDatabase(label: string): Promise<TempDatabase> {
  const name = tempDatabaseName(label);
  await sql(SERVER_URL, `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  return { name, url: withDatabaseName(SERVER_URL, name), drop: () => dropDatabase(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  await sql(SERVER_URL, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
}

/** A scratch copy of the fixture folder (schema and migrations) that a test may change. */
export async function copyFixture(): Promise<{ dir: string; schemaPath: string; migrationsDir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sva-db-'));
  await cp(FIXTURE_SCHEMA, path.join(dir, 'schema.prisma'));
  await cp(FIXTURE_MIGRATIONS, path.join(dir, 'migrations'), { recursive: true });
  return {
    dir,
    schemaPath: path.join(dir, 'schema.prisma'),
    migrationsDir: path.join(dir, 'migrations'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
