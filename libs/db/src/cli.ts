import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { redactUrl, withDatabaseName } from './connection-url.ts';
import { appConfigFile, findDatabaseVariable } from './database-variable.ts';
import { ensureDatabase } from './ensure-database.ts';
import { DbError } from './errors.ts';
import { applyMigrations } from './migrate.ts';
import { MIGRATION_FILE, MIGRATION_LOCK_CONTENT, MIGRATION_LOCK_FILE } from './migrations-dir.ts';
import { checkMigrationsMatchSchema, diffSchemaToSql } from './schema-engine.ts';

/** Server used for shadow databases by `diff` and `check` when no URL is set. */
export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export const USAGE = `Usage: npm run migrate -- <command>

Commands:
  apply <app>            Apply pending migrations of apps/<app>/prisma/migrations to the app's
                         database, creating the database first when it does not exist.
  apply --all            The same for every app that has prisma/migrations.
  diff <app> <name>      Write apps/<app>/prisma/migrations/<yyyyMMddHHmmss>_<name>/migration.sql
                         with the SQL from the committed migrations to prisma/schema.prisma
                         (prints "no changes" when there is nothing to do).
  check <app>            Exit 1, printing the missing SQL, when the committed migrations and
                         prisma/schema.prisma disagree.

Options:
  --embedded             diff/check: replay migrations on an in-memory PGlite instead of a server.

Environment:
  <APP>_DATABASE_URL     Database of one app (APP = folder name in upper snake case, e.g.
                         CATALOG_DATABASE_URL, BILLING_DATABASE_URL). Wins over DATABASE_URL.
  DATABASE_URL           apply <app>: the app's database. apply --all: the server; each app
                         without its own URL gets the database named after it (billing_status).
                         diff/check: the server where a temporary shadow database is created
                         and dropped (default ${DEFAULT_SERVER_URL}).`;

/** What the CLI reads and writes, injectable for tests. */
export interface MigrateCliContext {
  /** The workspace root holding `apps/`. */
  readonly root: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Clock for migration folder names. */
  readonly now: () => Date;
}

/** A wrong command line; answered with the usage text and exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Runs one CLI command (`argv` without the node and script paths) and returns the exit code:
 * 0 done, 1 failed (or `check` found drift), 2 wrong usage.
 */
export async function runMigrateCli(argv: readonly string[], context: MigrateCliContext): Promise<number> {
  try {
    const flags = new Set(argv.filter((arg) => arg.startsWith('--')));
    const args = argv.filter((arg) => !arg.startsWith('--'));
    const [command, ...rest] = args;
    if (flags.has('--help') || command === 'help' || command === '-h') {
      context.out(USAGE);
      return 0;
    }
    for (const flag of flags) {
      if (flag !== '--all' && flag !== '--embedded') throw new UsageError(`unknown option ${flag}`);
    }
    switch (command) {
      case 'apply':
        return await apply(rest, flags.has('--all'), context);
      case 'diff':
        return await diff(rest, flags.has('--embedded'), context);
      case 'check':
        return await check(rest, flags.has('--embedded'), context);
      case undefined:
        throw new UsageError('missing command');
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      context.err(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    context.err(isExpected(error) ? `error: ${describeError(error)}` : String((error as Error)?.stack ?? error));
    return 1;
  }
}

async function apply(args: string[], all: boolean, context: MigrateCliContext): Promise<number> {
  if (all ? args.length !== 0 : args.length !== 1) throw new UsageError('apply takes one app, or --all');
  const apps = all ? await appsWithMigrations(context.root) : [requireApp(context.root, args[0]!, 'migrations')];
  if (apps.length === 0) {
    context.out('no app has prisma/migrations');
    return 0;
  }
  for (const app of apps) {
    const url = databaseUrlFor(app, context, all);
    context.out(`[${app}] ${redactUrl(url)}`);
    await ensureDatabase(url);
    await applyMigrations({
      url,
      migrationsDir: path.join(context.root, 'apps', app, 'prisma', 'migrations'),
      log: (line) => context.out(`[${app}] ${line}`),
    });
  }
  return 0;
}

async function diff(args: string[], embedded: boolean, context: MigrateCliContext): Promise<number> {
  if (args.length !== 2) throw new UsageError('diff takes an app and a migration name');
  const app = requireApp(context.root, args[0]!, 'schema');
  const name = args[1]!.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (!name) throw new UsageError('the migration name needs letters or digits');
  const prismaDir = path.join(context.root, 'apps', app, 'prisma');
  const migrationsDir = path.join(prismaDir, 'migrations');
  await mkdir(migrationsDir, { recursive: true });

  const sql = await diffSchemaToSql({
    from: { migrationsDir },
    schemaPath: path.join(prismaDir, 'schema.prisma'),
    ...(embedded ? {} : { shadowUrl: serverUrlFor(app, context) }),
  });
  if (!sql) {
    context.out('no changes');
    return 0;
  }
  const folder = `${timestamp(context.now())}_${name}`;
  await mkdir(path.join(migrationsDir, folder));
  await writeFile(path.join(migrationsDir, folder, MIGRATION_FILE), sql);
  if (!existsSync(path.join(migrationsDir, MIGRATION_LOCK_FILE))) {
    await writeFile(path.join(migrationsDir, MIGRATION_LOCK_FILE), MIGRATION_LOCK_CONTENT);
  }
  context.out(`wrote ${path.relative(context.root, path.join(migrationsDir, folder, MIGRATION_FILE))}`);
  return 0;
}

async function check(args: string[], embedded: boolean, context: MigrateCliContext): Promise<number> {
  if (args.length !== 1) throw new UsageError('check takes one app');
  const app = requireApp(context.root, args[0]!, 'schema');
  const prismaDir = path.join(context.root, 'apps', app, 'prisma');
  const drift = await checkMigrationsMatchSchema({
    migrationsDir: path.join(prismaDir, 'migrations'),
    schemaPath: path.join(prismaDir, 'schema.prisma'),
    ...(embedded ? {} : { url: serverUrlFor(app, context) }),
  });
  if (!drift) {
    context.out(`${app}: migrations match schema.prisma`);
    return 0;
  }
  context.err(`${app}: schema.prisma differs from the committed migrations; the missing migration is:\n`);
  context.out(drift);
  return 1;
}

/**
 * The variable holding an app's database URL: the one the service itself reads, from its
 * `databaseEnv('<PREFIX>')` (`findDatabaseVariable`: `BILLING` → `BILLING_DATABASE_URL`); for an
 * app without such a config (or without `root`), the folder name (`catalog` → `CATALOG_DATABASE_URL`).
 */
export function appUrlVariable(app: string, root?: string): string {
  const config = root === undefined ? undefined : appConfigFile(root, app);
  if (config !== undefined && existsSync(config)) return findDatabaseVariable(config, app);
  return `${app.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}_DATABASE_URL`;
}

function databaseUrlFor(app: string, context: Pick<MigrateCliContext, 'env' | 'root'>, all: boolean): string {
  const variable = appUrlVariable(app, context.root);
  const specific = context.env[variable];
  if (specific) return specific;
  const shared = context.env['DATABASE_URL'];
  if (!shared) throw new UsageError(`set ${variable} or DATABASE_URL`);
  // One shared URL cannot be the database of every app: each app gets its own on that server.
  return all ? withDatabaseName(shared, app.replace(/[^A-Za-z0-9]+/g, '_').toLowerCase()) : shared;
}

function serverUrlFor(app: string, context: Pick<MigrateCliContext, 'env' | 'root'>): string {
  return context.env[appUrlVariable(app, context.root)] || context.env['DATABASE_URL'] || DEFAULT_SERVER_URL;
}

function requireApp(root: string, app: string, needs: 'migrations' | 'schema'): string {
  if (!/^[A-Za-z0-9._-]+$/.test(app) || app.startsWith('.')) throw new UsageError(`invalid app name ${app}`);
  const prismaDir = path.join(root, 'apps', app, 'prisma');
  const needed = needs === 'migrations' ? path.join(prismaDir, 'migrations') : path.join(prismaDir, 'schema.prisma');
  if (!existsSync(needed)) throw new UsageError(`apps/${app} has no ${path.relative(path.join(root, 'apps', app), needed)}`);
  return app;
}

async function appsWithMigrations(root: string): Promise<string[]> {
  const appsDir = path.join(root, 'apps');
  if (!existsSync(appsDir)) return [];
  const entries = await readdir(appsDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && existsSync(path.join(appsDir, entry.name, 'prisma', 'migrations')))
    .map((entry) => entry.name)
    .sort();
}

/** `yyyyMMddHHmmss` in UTC, the prefix `prisma migrate dev` gives migration folders. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Failures a user causes or can fix (bad state, unreachable server): reported without a stack. */
function isExpected(error: unknown): boolean {
  if (error instanceof DbError || error instanceof AggregateError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string';
}

function describeError(error: unknown): string {
  if (error instanceof AggregateError && !error.message) {
    return error.errors.map((inner: unknown) => describeError(inner)).join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;

if (invokedDirectly) {
  process.exitCode = await runMigrateCli(process.argv.slice(2), {
    root: fileURLToPath(new URL('../../../', import.meta.url)),
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    now: () => new Date(),
  });
}
