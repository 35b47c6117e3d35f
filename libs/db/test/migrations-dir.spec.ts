import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MigrationsDirectoryError } from '../src/errors.ts';
import { checksumMatches, migrationChecksum, readMigrationsFolder } from '../src/migrations-dir.ts';
import { FIXTURE_MIGRATION_NAMES, FIXTURE_MIGRATIONS } from './helpers.ts';

describe('readMigrationsFolder', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sva-migrations-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function migration(name: string, script: string): Promise<void> {
    await mkdir(path.join(dir, name), { recursive: true });
    await writeFile(path.join(dir, name, 'migration.sql'), script);
  }

  it('when folders are created out of order, then migrations come back sorted by name', async () => {
    await migration('20250103000000_c', 'SELECT 3;');
    await migration('20250101000000_a', 'SELECT 1;');
    await migration('20250102000000_b', 'SELECT 2;');
    await writeFile(path.join(dir, 'README.md'), 'not a migration');
    await mkdir(path.join(dir, '.hidden'));

    const folder = await readMigrationsFolder(dir);

    expect(folder.migrations.map((m) => m.name)).toEqual(['20250101000000_a', '20250102000000_b', '20250103000000_c']);
    expect(folder.lockfile).toBeNull();
  });

  it('when reading the fixture, then the checksum is the sha256 hex of the file bytes', async () => {
    const folder = await readMigrationsFolder(FIXTURE_MIGRATIONS);
    expect(folder.migrations.map((m) => m.name)).toEqual(FIXTURE_MIGRATION_NAMES);
    const bytes = await readFile(path.join(FIXTURE_MIGRATIONS, FIXTURE_MIGRATION_NAMES[0]!, 'migration.sql'));
    expect(folder.migrations[0]!.checksum).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(folder.lockfile).toContain('provider = "postgresql"');
  });

  it('when a migration directory has no migration.sql, then MigrationsDirectoryError names it', async () => {
    await migration('20250101000000_a', 'SELECT 1;');
    await mkdir(path.join(dir, '20250102000000_empty'));
    await expect(readMigrationsFolder(dir)).rejects.toThrow(MigrationsDirectoryError);
    await expect(readMigrationsFolder(dir)).rejects.toThrow(/20250102000000_empty has no readable migration.sql/);
  });

  it('when migration_lock.toml names another provider, then MigrationsDirectoryError', async () => {
    await writeFile(path.join(dir, 'migration_lock.toml'), 'provider = "mysql"\n');
    await expect(readMigrationsFolder(dir)).rejects.toThrow(/provider "mysql"/);
  });

  it('when the folder does not exist, then MigrationsDirectoryError', async () => {
    await expect(readMigrationsFolder(path.join(dir, 'missing'))).rejects.toThrow(MigrationsDirectoryError);
  });
});

describe('checksumMatches', () => {
  const script = 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n';

  it('when the script is unchanged, then it matches', () => {
    expect(checksumMatches(script, migrationChecksum(script))).toBe(true);
  });

  it('when only line endings changed (either way), then it still matches, as in Prisma', () => {
    const crlf = script.replace(/\n/g, '\r\n');
    expect(checksumMatches(crlf, migrationChecksum(script))).toBe(true);
    expect(checksumMatches(script, migrationChecksum(crlf))).toBe(true);
  });

  it('when the SQL changed, then it does not match', () => {
    expect(checksumMatches(`${script}-- edited\n`, migrationChecksum(script))).toBe(false);
  });
});
