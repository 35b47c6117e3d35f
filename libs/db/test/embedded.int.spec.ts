import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/embedded.ts';
import { MigrationApplyError } from '../src/errors.ts';
import { applyMigrations } from '../src/migrate.ts';
import { FIXTURE_MIGRATION_NAMES, FIXTURE_MIGRATIONS, copyFixture, sql } from './helpers.ts';

describe('embedded PostgreSQL (PGlite behind a socket)', () => {
  let server: EmbeddedPostgres;
  let client: pg.Client;
  beforeAll(async () => {
    server = await startEmbeddedPostgres();
    client = new pg.Client({ connectionString: server.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await server.stop();
  });

  it('when pg connects, then it talks to PostgreSQL and poolMax is 1', async () => {
    const { rows } = await client.query<{ version: string }>('SELECT version()');
    expect(rows[0]!.version).toMatch(/^PostgreSQL \d+/);
    expect(server.poolMax).toBe(1);
    expect(server.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
  });

  it('when a transaction rolls back, then its writes are gone; when it commits, they stay', async () => {
    await client.query('CREATE TABLE tx_probe (id INTEGER PRIMARY KEY)');
    await client.query('BEGIN');
    await client.query('INSERT INTO tx_probe VALUES (1)');
    await client.query('ROLLBACK');
    await client.query('BEGIN');
    await client.query('INSERT INTO tx_probe VALUES (2)');
    await client.query('COMMIT');
    await expect(client.query('INSERT INTO tx_probe VALUES (2)')).rejects.toThrow(/duplicate key/);
    expect((await client.query('SELECT id FROM tx_probe')).rows).toEqual([{ id: 2 }]);
  });

  it('when taking advisory locks and SKIP LOCKED rows, then PostgreSQL semantics hold on the one session', async () => {
    expect((await client.query('SELECT pg_try_advisory_lock(7) AS locked')).rows).toEqual([{ locked: true }]);
    expect((await client.query('SELECT pg_advisory_unlock(7) AS unlocked')).rows).toEqual([{ unlocked: true }]);
    await client.query('CREATE TABLE jobs (id INTEGER PRIMARY KEY)');
    await client.query('INSERT INTO jobs SELECT generate_series(1, 5)');
    await client.query('BEGIN');
    const claimed = await client.query('SELECT id FROM jobs ORDER BY id LIMIT 2 FOR UPDATE SKIP LOCKED');
    await client.query('COMMIT');
    expect(claimed.rows).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('when the connection LISTENs, then its own NOTIFYs arrive after commit', async () => {
    const payloads: string[] = [];
    client.on('notification', (message) => payloads.push(message.payload ?? ''));
    await client.query('LISTEN outbox');
    await client.query('BEGIN');
    await client.query(`NOTIFY outbox, 'in-transaction'`);
    expect(payloads).toEqual([]);
    await client.query('COMMIT');
    await client.query(`SELECT pg_notify('outbox', 'direct')`);
    await client.query('UNLISTEN outbox');
    expect(payloads).toEqual(['in-transaction', 'direct']);
  });

  it('when a second connection opens while one is open, then it is refused (callers must use one pool of size 1)', async () => {
    const second = new pg.Client({ connectionString: server.url });
    second.on('error', () => {});
    await expect(second.connect()).rejects.toThrow();
    await second.end().catch(() => {});
    expect((await client.query('SELECT 1 AS still')).rows).toEqual([{ still: 1 }]);
  });
});

describe('applyMigrations on embedded PostgreSQL', () => {
  it('when the database is empty, then it applies and records the migrations; a second run applies nothing', async () => {
    const server = await startEmbeddedPostgres();
    try {
      expect((await applyMigrations({ url: server.url, migrationsDir: FIXTURE_MIGRATIONS })).applied).toEqual(
        FIXTURE_MIGRATION_NAMES,
      );
      expect((await applyMigrations({ url: server.url, migrationsDir: FIXTURE_MIGRATIONS })).applied).toEqual([]);
      const rows = await sql<{ migration_name: string; finished_at: Date | null; applied_steps_count: number }>(
        server.url,
        'SELECT migration_name, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
      );
      expect(rows.map((row) => [row.migration_name, row.finished_at instanceof Date, row.applied_steps_count])).toEqual(
        FIXTURE_MIGRATION_NAMES.map((name) => [name, true, 1]),
      );
    } finally {
      await server.stop();
    }
  });

  it('when a migration fails, then the transaction rolls it back as on PostgreSQL', async () => {
    const server = await startEmbeddedPostgres();
    const scratch = await copyFixture();
    try {
      await mkdir(path.join(scratch.migrationsDir, '20250103000000_broken'));
      await writeFile(
        path.join(scratch.migrationsDir, '20250103000000_broken', 'migration.sql'),
        'CREATE TABLE "Broken" ("id" INTEGER);\nSELECT 1 / 0;\n',
      );
      await expect(applyMigrations({ url: server.url, migrationsDir: scratch.migrationsDir })).rejects.toThrow(
        MigrationApplyError,
      );
      expect(await sql(server.url, `SELECT to_regclass('"Broken"') AS t, to_regclass('"Widget"')::text AS w`)).toEqual([
        { t: null, w: '"Widget"' },
      ]);
    } finally {
      await server.stop();
      await scratch.remove();
    }
  });

  it('when started on a data directory, then stop() persists it and a restart sees the data', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'sva-pglite-'));
    try {
      const first = await startEmbeddedPostgres({ dataDir });
      await applyMigrations({ url: first.url, migrationsDir: FIXTURE_MIGRATIONS });
      await sql(first.url, `INSERT INTO "Widget" (id, name) VALUES ('w1', 'kept')`);
      await first.stop();

      const second = await startEmbeddedPostgres({ dataDir });
      try {
        expect((await applyMigrations({ url: second.url, migrationsDir: FIXTURE_MIGRATIONS })).applied).toEqual([]);
        expect(await sql(second.url, 'SELECT name FROM "Widget"')).toEqual([{ name: 'kept' }]);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
