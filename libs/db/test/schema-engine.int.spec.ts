import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runMigrateCli, type MigrateCliContext } from '../src/cli.ts';
import { SchemaEngineError } from '../src/errors.ts';
import { checkMigrationsMatchSchema, diffSchemaToSql } from '../src/schema-engine.ts';
import { FIXTURE_MIGRATIONS, FIXTURE_SCHEMA, NEEDS_SERVER, SERVER_URL, copyFixture, sql } from './helpers.ts';

const WEIGHT_COLUMN = '  weight    Int?\n';

async function addWeightColumn(schemaPath: string): Promise<void> {
  const schema = await readFile(schemaPath, 'utf8');
  await writeFile(schemaPath, schema.replace('  size      Int         @default(0)\n', `  size      Int         @default(0)\n${WEIGHT_COLUMN}`));
}

const shadowDatabases = async () =>
  (await sql<{ datname: string }>(SERVER_URL, `SELECT datname FROM pg_database WHERE datname LIKE 'prisma\\_shadow\\_%'`)).map(
    (row) => row.datname,
  );

describe.skipIf(!SERVER_URL)('schema engine on a PostgreSQL server' + NEEDS_SERVER, () => {
  let scratch: Awaited<ReturnType<typeof copyFixture>>;
  let shadowsBefore: string[];
  beforeAll(async () => {
    shadowsBefore = await shadowDatabases();
  });
  beforeEach(async () => {
    scratch = await copyFixture();
  });
  afterEach(async () => {
    await scratch.remove();
  });
  afterAll(async () => {
    // Every shadow database this file's calls created was dropped again.
    expect(await shadowDatabases()).toEqual(shadowsBefore);
  });

  it('when the committed migrations produce schema.prisma, then checkMigrationsMatchSchema returns an empty string', async () => {
    await expect(
      checkMigrationsMatchSchema({ migrationsDir: FIXTURE_MIGRATIONS, schemaPath: FIXTURE_SCHEMA, url: SERVER_URL }),
    ).resolves.toBe('');
  });

  it('when schema.prisma gains a column, then the drift is the ALTER TABLE that adds it', async () => {
    await addWeightColumn(scratch.schemaPath);
    const drift = await checkMigrationsMatchSchema({
      migrationsDir: scratch.migrationsDir,
      schemaPath: scratch.schemaPath,
      url: SERVER_URL,
    });
    expect(drift).toMatch(/ALTER TABLE "Widget" ADD COLUMN\s+"weight" INTEGER;/);
  });

  it('when diffing from empty, then the SQL creates the enum, the table and the index', async () => {
    const script = await diffSchemaToSql({ from: 'empty', schemaPath: FIXTURE_SCHEMA, shadowUrl: SERVER_URL });
    expect(script).toContain(`CREATE TYPE "WidgetColor" AS ENUM ('RED', 'GREEN', 'BLUE');`);
    expect(script).toContain('CREATE TABLE "Widget"');
    expect(script).toContain('CREATE INDEX "Widget_name_idx"');
  });

  it('when the schema is invalid, then SchemaEngineError says why', async () => {
    await writeFile(scratch.schemaPath, 'datasource db {\n  provider = "postgresql"\n}\nmodel Broken {\n  id Strin @id\n}\n');
    const run = diffSchemaToSql({ from: 'empty', schemaPath: scratch.schemaPath, shadowUrl: SERVER_URL });
    await expect(run).rejects.toThrow(SchemaEngineError);
    await expect(run).rejects.toThrow(/Strin/);
  });

  describe('through the CLI', () => {
    let root: string;
    let appDir: string;
    beforeEach(async () => {
      root = await mkdtemp(path.join(tmpdir(), 'sva-cli-'));
      appDir = path.join(root, 'apps', 'demo', 'prisma');
      await mkdir(appDir, { recursive: true });
      await cp(FIXTURE_SCHEMA, path.join(appDir, 'schema.prisma'));
      await cp(FIXTURE_MIGRATIONS, path.join(appDir, 'migrations'), { recursive: true });
    });
    afterEach(async () => {
      await rm(root, { recursive: true, force: true });
    });

    async function run(argv: string[]) {
      const out: string[] = [];
      const err: string[] = [];
      const context: MigrateCliContext = {
        root,
        env: { DATABASE_URL: SERVER_URL },
        out: (line) => out.push(line),
        err: (line) => err.push(line),
        now: () => new Date('2025-03-04T05:06:07Z'),
      };
      const code = await runMigrateCli(argv, context);
      return { code, out: out.join('\n'), err: err.join('\n') };
    }

    it('when migrations match, then check exits 0 and diff writes nothing', async () => {
      expect(await run(['check', 'demo'])).toMatchObject({ code: 0, out: 'demo: migrations match schema.prisma' });
      expect(await run(['diff', 'demo', 'nothing'])).toMatchObject({ code: 0, out: 'no changes' });
      expect((await readdir(path.join(appDir, 'migrations'))).sort()).toEqual([
        '20250101000000_init',
        '20250102000000_add_widget_size',
        'migration_lock.toml',
      ]);
    });

    it('when the schema gained a column, then check exits 1 with the SQL; diff writes it as a new migration; check then passes', async () => {
      await addWeightColumn(path.join(appDir, 'schema.prisma'));

      const check = await run(['check', 'demo']);
      expect(check.code).toBe(1);
      expect(check.out).toContain('ADD COLUMN');

      const diff = await run(['diff', 'demo', 'Add widget weight']);
      expect(diff).toMatchObject({ code: 0, out: 'wrote apps/demo/prisma/migrations/20250304050607_add_widget_weight/migration.sql' });
      const written = await readFile(path.join(appDir, 'migrations', '20250304050607_add_widget_weight', 'migration.sql'), 'utf8');
      expect(written).toMatch(/ALTER TABLE "Widget" ADD COLUMN\s+"weight" INTEGER;/);

      expect((await run(['check', 'demo'])).code).toBe(0);
    });

    it('when the app has no migrations yet, then diff writes the first one and migration_lock.toml', async () => {
      await rm(path.join(appDir, 'migrations'), { recursive: true });

      expect((await run(['diff', 'demo', 'init'])).code).toBe(0);

      const migrations = path.join(appDir, 'migrations');
      expect((await readdir(migrations)).sort()).toEqual(['20250304050607_init', 'migration_lock.toml']);
      expect(await readFile(path.join(migrations, 'migration_lock.toml'), 'utf8')).toContain('provider = "postgresql"');
      expect(await readFile(path.join(migrations, '20250304050607_init', 'migration.sql'), 'utf8')).toContain('CREATE TABLE "Widget"');
    });
  });
});

describe('schema engine on embedded PGlite (no server)', () => {
  it('when the migrations match, then the check is empty; when the schema gains a column, then it is not', async () => {
    const scratch = await copyFixture();
    try {
      expect(await checkMigrationsMatchSchema({ migrationsDir: scratch.migrationsDir, schemaPath: scratch.schemaPath })).toBe('');
      await addWeightColumn(scratch.schemaPath);
      expect(await checkMigrationsMatchSchema({ migrationsDir: scratch.migrationsDir, schemaPath: scratch.schemaPath })).toMatch(
        /ADD COLUMN\s+"weight" INTEGER/,
      );
    } finally {
      await scratch.remove();
    }
  });
});
