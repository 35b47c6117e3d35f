import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MigrationApplyError,
  MigrationChecksumMismatchError,
  MigrationPreviouslyFailedError,
} from '../src/errors.ts';
import { applyMigrations } from '../src/migrate.ts';
import { migrationChecksum } from '../src/migrations-dir.ts';
import { NO_FILTERS, loadMigrationList, withSchemaEngine } from '../src/schema-engine.ts';
import {
  FIXTURE_MIGRATION_NAMES,
  FIXTURE_MIGRATIONS,
  FIXTURE_SCHEMA,
  copyFixture,
  createTempDatabase,
  NEEDS_SERVER,
  SERVER_URL,
  sql,
  type TempDatabase,
} from './helpers.ts';

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  logs: string | null;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

const rowsOf = (url: string) =>
  sql<MigrationRow>(url, 'SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name');
const columnsOf = (url: string, table: string) =>
  sql<{ column_name: string }>(url, 'SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY 1', [
    table,
  ]).then((rows) => rows.map((row) => row.column_name));

describe.skipIf(!SERVER_URL)('applyMigrations on PostgreSQL' + NEEDS_SERVER, () => {
  let db: TempDatabase;
  let scratch: Awaited<ReturnType<typeof copyFixture>> | undefined;
  beforeEach(async () => {
    db = await createTempDatabase('migrate');
  });
  afterEach(async () => {
    await db.drop();
    await scratch?.remove();
    scratch = undefined;
  });

  async function addMigration(dir: string, name: string, script: string): Promise<void> {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, 'migration.sql'), script);
  }

  it('when the database is empty, then every migration is applied in name order and recorded like prisma migrate deploy', async () => {
    const lines: string[] = [];
    const result = await applyMigrations({ url: db.url, migrationsDir: FIXTURE_MIGRATIONS, log: (line) => lines.push(line) });

    expect(result.applied).toEqual(FIXTURE_MIGRATION_NAMES);
    expect(await columnsOf(db.url, 'Widget')).toEqual(['color', 'createdAt', 'id', 'name', 'size']);
    const rows = await rowsOf(db.url);
    expect(rows.map((row) => row.migration_name)).toEqual(FIXTURE_MIGRATION_NAMES);
    for (const row of rows) {
      const file = await readFile(path.join(FIXTURE_MIGRATIONS, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(migrationChecksum(file));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    expect(lines).toContain(`applying ${FIXTURE_MIGRATION_NAMES[0]}`);
  });

  it('when run again, then nothing is applied and nothing is recorded twice', async () => {
    await applyMigrations({ url: db.url, migrationsDir: FIXTURE_MIGRATIONS });
    const again = await applyMigrations({ url: db.url, migrationsDir: FIXTURE_MIGRATIONS });
    expect(again.applied).toEqual([]);
    expect(await rowsOf(db.url)).toHaveLength(2);
  });

  it('when a migration is added later, then only that one is applied', async () => {
    scratch = await copyFixture();
    await applyMigrations({ url: db.url, migrationsDir: scratch.migrationsDir });
    await addMigration(scratch.migrationsDir, '20250103000000_add_note', 'ALTER TABLE "Widget" ADD COLUMN "note" TEXT;');

    const result = await applyMigrations({ url: db.url, migrationsDir: scratch.migrationsDir });

    expect(result.applied).toEqual(['20250103000000_add_note']);
    expect(await columnsOf(db.url, 'Widget')).toContain('note');
  });

  it('when an applied migration was edited, then MigrationChecksumMismatchError and pending ones are not applied', async () => {
    scratch = await copyFixture();
    await applyMigrations({ url: db.url, migrationsDir: scratch.migrationsDir });
    await appendFile(path.join(scratch.migrationsDir, FIXTURE_MIGRATION_NAMES[0]!, 'migration.sql'), '\n-- edited\n');
    await addMigration(scratch.migrationsDir, '20250103000000_add_note', 'ALTER TABLE "Widget" ADD COLUMN "note" TEXT;');

    const run = applyMigrations({ url: db.url, migrationsDir: scratch.migrationsDir });

    await expect(run).rejects.toThrow(MigrationChecksumMismatchError);
    await expect(run).rejects.toMatchObject({ migrationName: FIXTURE_MIGRATION_NAMES[0] });
    expect(await columnsOf(db.url, 'Widget')).not.toContain('note');
  });

  it('when an applied migration only changed its line endings, then it is still accepted', async () => {
    scratch = await copyFixture();
    await applyMigrations({ url: db.url, migrationsDir: scratch.migrationsDir });
    const file = path.join(scratch.migrationsDir, FIXTURE_MIGRATION_NAMES[0]!, 'migration.sql');
    await writeFile(file, (await readFile(file, 'utf8')).replace(/\n/g, '\r\n'));

    await expect(applyMigrations({ url: db.url, migrationsDir: scratch.migrationsDir })).resolves.toEqual({ applied: [] });
  });

  it('when a migration fails, then it is rolled back, recorded as rolled back, and applied once fixed', async () => {
    scratch = await copyFixture();
    const broken = 'CREATE TABLE "Broken" ("id" INTEGER);\nSELECT 1 / 0;\n';
    await addMigration(scratch.migrationsDir, '20250103000000_broken', broken);

    const run = applyMigrations({ url: db.url, migrationsDir: scratch.migrationsDir });

    await expect(run).rejects.toThrow(MigrationApplyError);
    await expect(run).rejects.toMatchObject({ migrationName: '20250103000000_broken', outcome: 'rolled-back' });
    expect(await sql(db.url, `SELECT to_regclass('"Broken"') AS t`)).toEqual([{ t: null }]);
    const failedRow = (await rowsOf(db.url)).find((row) => row.migration_name === '20250103000000_broken');
    expect(failedRow?.rolled_back_at).toBeInstanceOf(Date);
    expect(failedRow?.finished_at).toBeNull();
    expect(failedRow?.logs).toContain('division by zero');

    await writeFile(path.join(scratch.migrationsDir, '20250103000000_broken', 'migration.sql'), 'CREATE TABLE "Broken" ("id" INTEGER);\n');
    expect((await applyMigrations({ url: db.url, migrationsDir: scratch.migrationsDir })).applied).toEqual(['20250103000000_broken']);
  });

  it('when a failing script had committed part of its work, then the row stays failed and later runs refuse', async () => {
    scratch = await copyFixture();
    await addMigration(
      scratch.migrationsDir,
      '20250103000000_partial',
      'CREATE TABLE "First" ("id" INTEGER);\nCOMMIT;\nCREATE TABLE "Second" ("id" INTEGER);\nSELECT 1 / 0;\n',
    );

    await expect(applyMigrations({ url: db.url, migrationsDir: scratch.migrationsDir })).rejects.toMatchObject({
      name: 'MigrationApplyError',
      outcome: 'partial',
    });
    expect(await sql(db.url, `SELECT to_regclass('"First"')::text AS a, to_regclass('"Second"')::text AS b`)).toEqual([
      { a: '"First"', b: null },
    ]);

    const again = applyMigrations({ url: db.url, migrationsDir: scratch.migrationsDir });
    await expect(again).rejects.toThrow(MigrationPreviouslyFailedError);
    await expect(again).rejects.toMatchObject({ migrationNames: ['20250103000000_partial'] });
  });

  it('when a migration builds an index CONCURRENTLY without the marker, then PostgreSQL refuses it and nothing is applied', async () => {
    scratch = await copyFixture();
    await addMigration(scratch.migrationsDir, '20250103000000_index', 'CREATE TABLE "Big" ("id" INTEGER);\nCREATE INDEX CONCURRENTLY "Big_id_idx" ON "Big" ("id");\n');
    await expect(applyMigrations({ url: db.url, migrationsDir: scratch.migrationsDir })).rejects.toMatchObject({
      outcome: 'rolled-back',
      message: expect.stringContaining('cannot run inside a transaction block'),
    });
    expect(await sql(db.url, `SELECT to_regclass('"Big"') AS t`)).toEqual([{ t: null }]);
  });

  it('when a migration opts out of the transaction, then CREATE INDEX CONCURRENTLY builds a valid index and the migration is recorded applied', async () => {
    scratch = await copyFixture();
    const script = [
      '-- sva:no-transaction',
      '-- Index builds on a large table must not lock writes.',
      'CREATE TABLE "Big" ("id" INTEGER, "note" TEXT);',
      `INSERT INTO "Big" SELECT g, 'a;b' FROM generate_series(1, 5000) AS g;`,
      'CREATE INDEX CONCURRENTLY "Big_id_idx" ON "Big" ("id");',
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS "Big_note_idx" ON "Big" ("note")',
    ].join('\n');
    await addMigration(scratch.migrationsDir, '20250103000000_index', script);

    const { applied } = await applyMigrations({ url: db.url, migrationsDir: scratch.migrationsDir });

    expect(applied).toContain('20250103000000_index');
    expect(
      await sql(db.url, `SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = '"Big"'::regclass ORDER BY 1`),
    ).toEqual([
      { name: 'Big_id_idx', valid: true },
      { name: 'Big_note_idx', valid: true },
    ]);
    const row = (await rowsOf(db.url)).find((r) => r.migration_name === '20250103000000_index');
    expect(row).toMatchObject({ checksum: migrationChecksum(script), rolled_back_at: null, applied_steps_count: 1 });
    expect(row?.finished_at).toBeInstanceOf(Date);
    expect((await applyMigrations({ url: db.url, migrationsDir: scratch.migrationsDir })).applied).toEqual([]);
  });

  it('when a statement of a migration outside a transaction fails, then the ones before it stay, the row stays failed and later runs refuse', async () => {
    scratch = await copyFixture();
    const script = [
      '-- sva:no-transaction',
      'CREATE TABLE "Dupes" ("id" INTEGER);',
      'INSERT INTO "Dupes" VALUES (1), (1);',
      'CREATE UNIQUE INDEX CONCURRENTLY "Dupes_id_key" ON "Dupes" ("id");',
      'CREATE TABLE "Never" ("id" INTEGER);',
    ].join('\n');
    await addMigration(scratch.migrationsDir, '20250103000000_unique', script);

    await expect(applyMigrations({ url: db.url, migrationsDir: scratch.migrationsDir })).rejects.toMatchObject({
      name: 'MigrationApplyError',
      migrationName: '20250103000000_unique',
      outcome: 'partial',
    });
    expect(await sql(db.url, `SELECT to_regclass('"Dupes"')::text AS a, to_regclass('"Never"')::text AS b`)).toEqual([{ a: '"Dupes"', b: null }]);
    const row = (await rowsOf(db.url)).find((r) => r.migration_name === '20250103000000_unique');
    expect(row).toMatchObject({ finished_at: null, rolled_back_at: null });
    expect(row?.logs).toContain('could not create unique index');
    await expect(applyMigrations({ url: db.url, migrationsDir: scratch.migrationsDir })).rejects.toThrow(MigrationPreviouslyFailedError);
  });

  it('when prisma left a failed migration (unfinished, not rolled back), then the run refuses', async () => {
    await applyMigrations({ url: db.url, migrationsDir: FIXTURE_MIGRATIONS });
    await sql(
      db.url,
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at, applied_steps_count)
       VALUES ('00000000-0000-4000-8000-000000000000', 'x', '20250103000000_crashed', 'boom', now(), 0)`,
    );
    await expect(applyMigrations({ url: db.url, migrationsDir: FIXTURE_MIGRATIONS })).rejects.toThrow(
      MigrationPreviouslyFailedError,
    );
  });

  it('when two runners start at once, then each migration is applied exactly once', async () => {
    const results = await Promise.all([
      applyMigrations({ url: db.url, migrationsDir: FIXTURE_MIGRATIONS }),
      applyMigrations({ url: db.url, migrationsDir: FIXTURE_MIGRATIONS }),
    ]);

    expect(results.flatMap((result) => result.applied).sort()).toEqual(FIXTURE_MIGRATION_NAMES);
    expect(results.map((result) => result.applied.length).sort()).toEqual([0, 2]);
    expect(await rowsOf(db.url)).toHaveLength(2);
  });

  it("when migrated by this runner, then Prisma's engine sees the history as up to date", async () => {
    await applyMigrations({ url: db.url, migrationsDir: FIXTURE_MIGRATIONS });
    const migrationsList = await loadMigrationList(FIXTURE_MIGRATIONS);

    const { diagnosis, applied } = await withSchemaEngine({ schemaPath: FIXTURE_SCHEMA, url: db.url }, async (engine) => ({
      diagnosis: await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTERS }),
      applied: await engine.applyMigrations({ migrationsList, filters: NO_FILTERS }),
    }));

    expect(diagnosis).toEqual({ editedMigrationNames: [], failedMigrationNames: [], hasMigrationsTable: true, history: null });
    expect(applied.appliedMigrationNames).toEqual([]);
  });

  it("when migrated by Prisma's engine, then this runner finds nothing to do", async () => {
    const migrationsList = await loadMigrationList(FIXTURE_MIGRATIONS);
    const applied = await withSchemaEngine({ schemaPath: FIXTURE_SCHEMA, url: db.url }, (engine) =>
      engine.applyMigrations({ migrationsList, filters: NO_FILTERS }),
    );
    expect(applied.appliedMigrationNames).toEqual(FIXTURE_MIGRATION_NAMES);

    expect(await applyMigrations({ url: db.url, migrationsDir: FIXTURE_MIGRATIONS })).toEqual({ applied: [] });
  });
});
