import { randomBytes } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withDatabaseName } from '../src/connection-url.ts';
import { runMigrateCli, type MigrateCliContext } from '../src/cli.ts';
import { FIXTURE_MIGRATION_NAMES, FIXTURE_MIGRATIONS, NEEDS_SERVER, SERVER_URL, dropDatabase, sql, tempDatabaseName } from './helpers.ts';

describe.skipIf(!SERVER_URL)('migrate CLI: apply' + NEEDS_SERVER, () => {
  let root: string;
  const databases: string[] = [];
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'sva-cli-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    for (const name of databases.splice(0)) await dropDatabase(name);
  });

  async function addApp(app: string): Promise<string> {
    const migrations = path.join(root, 'apps', app, 'prisma', 'migrations');
    await mkdir(path.dirname(migrations), { recursive: true });
    await cp(FIXTURE_MIGRATIONS, migrations, { recursive: true });
    return migrations;
  }

  async function run(argv: string[], env: Record<string, string>) {
    const out: string[] = [];
    const err: string[] = [];
    const context: MigrateCliContext = {
      root,
      env,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      now: () => new Date(),
    };
    const code = await runMigrateCli(argv, context);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  const appliedIn = async (url: string) =>
    (await sql<{ migration_name: string }>(url, 'SELECT migration_name FROM "_prisma_migrations" ORDER BY 1')).map(
      (row) => row.migration_name,
    );

  it('when the app database does not exist, then apply creates it and migrates it; the app-specific URL wins', async () => {
    await addApp('demo-app');
    const name = tempDatabaseName('cli');
    databases.push(name);
    const url = withDatabaseName(SERVER_URL, name);

    const result = await run(['apply', 'demo-app'], {
      DEMO_APP_DATABASE_URL: url,
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/never',
    });

    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain(`[demo-app] applying ${FIXTURE_MIGRATION_NAMES[0]}`);
    expect(await appliedIn(url)).toEqual(FIXTURE_MIGRATION_NAMES);
    expect((await run(['apply', 'demo-app'], { DEMO_APP_DATABASE_URL: url })).out).toContain('database is up to date');
  });

  it('when applying --all with one DATABASE_URL, then each app gets its own database named after it', async () => {
    const suffix = randomBytes(3).toString('hex');
    const apps = [`alpha-${suffix}`, `beta-${suffix}`];
    for (const app of apps) {
      await addApp(app);
      databases.push(app.replace('-', '_'));
    }

    const result = await run(['apply', '--all'], { DATABASE_URL: SERVER_URL });

    expect(result.code).toBe(0);
    for (const app of apps) {
      expect(await appliedIn(withDatabaseName(SERVER_URL, app.replace('-', '_')))).toEqual(FIXTURE_MIGRATION_NAMES);
    }
  });

  it('when no URL is set for the app, then apply names the variables and exits 2', async () => {
    await addApp('demo-app');
    const result = await run(['apply', 'demo-app'], {});
    expect(result.code).toBe(2);
    expect(result.err).toContain('set DEMO_APP_DATABASE_URL or DATABASE_URL');
  });

  it('when an applied migration was edited, then apply exits 1 with the reason and no stack trace', async () => {
    const migrations = await addApp('demo-app');
    const name = tempDatabaseName('cli');
    databases.push(name);
    const env = { DATABASE_URL: withDatabaseName(SERVER_URL, name) };
    expect((await run(['apply', 'demo-app'], env)).code).toBe(0);
    await appendFile(path.join(migrations, FIXTURE_MIGRATION_NAMES[1]!, 'migration.sql'), '-- edited\n');

    const result = await run(['apply', 'demo-app'], env);

    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error: migration 20250102000000_add_widget_size was modified after it was applied/);
    expect(result.err).not.toMatch(/\n\s+at /);
  });

  it('when the server is unreachable, then apply exits 1 with the connection error only', async () => {
    await addApp('demo-app');
    const result = await run(['apply', 'demo-app'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing' });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error: .*ECONNREFUSED/);
    expect(result.err).not.toMatch(/\n\s+at /);
  });
});
