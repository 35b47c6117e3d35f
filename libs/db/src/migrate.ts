import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  MigrationApplyError,
  MigrationChecksumMismatchError,
  MigrationPreviouslyFailedError,
  errorMessage,
  type MigrationFailureOutcome,
} from './errors.ts';
import { checksumMatches, readMigrationsFolder } from './migrations-dir.ts';

/**
 * The advisory lock key `prisma migrate` takes (`pg_advisory_lock(72707369)`). Using the same key
 * serialises this runner with other replicas running it and with Prisma's own CLI. Advisory locks
 * are per database, so runs against different databases of one server do not wait for each other.
 */
export const PRISMA_MIGRATE_LOCK_KEY = 72707369;

/** `_prisma_migrations` exactly as Prisma's schema engine creates it on PostgreSQL. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/**
 * First line of a migration that must run outside a transaction, e.g. `CREATE INDEX CONCURRENTLY`
 * on a large table (PostgreSQL refuses it inside a transaction block). Its statements are sent one
 * by one; see {@link applyMigrations}.
 */
export const NO_TRANSACTION_MARKER = '-- sva:no-transaction';

/** Whether the script's first line is {@link NO_TRANSACTION_MARKER}. */
export function runsOutsideTransaction(script: string): boolean {
  return (script.split('\n', 1)[0] ?? '').trim() === NO_TRANSACTION_MARKER;
}

/**
 * The statements of a SQL script, split at the semicolons that end them: semicolons inside
 * quotes ('…', E'…', "…"), dollar quotes ($$…$$, $tag$…$tag$) and comments (-- …, nested /* … *\/)
 * do not split. Statements holding only comments and whitespace are left out.
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let meaningful = false;
  let i = 0;
  const n = script.length;
  const push = (end: number) => {
    if (meaningful) statements.push(script.slice(start, end).trim());
    start = end + 1;
    meaningful = false;
  };
  while (i < n) {
    const c = script[i]!;
    const next = script[i + 1];
    if (c === '-' && next === '-') {
      const eol = script.indexOf('\n', i);
      i = eol === -1 ? n : eol + 1;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        const pair = script.slice(i, i + 2);
        if (pair === '/*' || pair === '*/') {
          depth += pair === '/*' ? 1 : -1;
          i += 2;
        } else {
          i += 1;
        }
      }
    } else if (c === "'" || c === '"') {
      const escapes = c === "'" && /[eE]/.test(script[i - 1] ?? '') && !/[A-Za-z0-9_]/.test(script[i - 2] ?? '');
      meaningful = true;
      i += 1;
      while (i < n) {
        if (escapes && script[i] === '\\') i += 2;
        else if (script[i] === c && script[i + 1] === c) i += 2;
        else if (script[i] === c) break;
        else i += 1;
      }
      i += 1;
    } else if (c === '$' && !/[A-Za-z0-9_$]/.test(script[i - 1] ?? '')) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i))?.[0];
      meaningful = true;
      if (tag === undefined) {
        i += 1;
      } else {
        const end = script.indexOf(tag, i + tag.length);
        i = end === -1 ? n : end + tag.length;
      }
    } else if (c === ';') {
      push(i);
      i += 1;
    } else {
      if (!/\s/.test(c)) meaningful = true;
      i += 1;
    }
  }
  push(n);
  return statements;
}

export interface ApplyMigrationsOptions {
  /** Connection URL of the database to migrate (it must exist; see `ensureDatabase`). */
  readonly url: string;
  /** A `prisma/migrations` folder: `<name>/migration.sql` directories applied in name order. */
  readonly migrationsDir: string;
  /** Receives one human-readable line per step (nothing is printed otherwise). */
  readonly log?: (line: string) => void;
}

export interface ApplyMigrationsResult {
  /** Names of the migrations this call applied, in order; empty when the database was up to date. */
  readonly applied: string[];
}

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies the pending migrations of `migrationsDir` to the database at `url`, the way
 * `prisma migrate deploy` does, so that Prisma's CLI and this runner each see a database migrated
 * by the other as up to date:
 * - bookkeeping in `_prisma_migrations` (same table, columns, checksum = sha256 hex of the file,
 *   `started_at`/`finished_at`, `applied_steps_count` 1, `logs` on failure);
 * - `pg_advisory_lock(72707369)` held for the whole run, so concurrent replicas apply each
 *   migration once (the others wait, then find nothing to do).
 *
 * Differences from Prisma, all on the safe side:
 * - each migration and its bookkeeping row run in ONE transaction, so a failed migration leaves
 *   nothing behind; its failure is recorded as a rolled-back row (with `logs`) and the next run
 *   retries it. A script with its own `COMMIT` (Prisma writes `BEGIN; … COMMIT;` around some enum
 *   changes) ends that transaction early; if it then fails, the row stays unfinished — Prisma's
 *   "failed" state — because part of it is committed;
 * - it refuses to run when an applied migration's file changed
 *   ({@link MigrationChecksumMismatchError}); line-ending-only changes are accepted, as Prisma does;
 * - like Prisma, it refuses when an earlier migration failed and was not resolved
 *   ({@link MigrationPreviouslyFailedError}).
 *
 * - a migration whose first line is `-- sva:no-transaction` ({@link NO_TRANSACTION_MARKER}) runs
 *   outside a transaction, one statement at a time, so that `CREATE INDEX CONCURRENTLY` works:
 *   its row is recorded as started first and finished after its last statement. If a statement
 *   fails, the row stays unfinished (failed, with `logs`) and later runs refuse until it is
 *   resolved, since the statements before it stayed applied (and a failed concurrent build leaves
 *   an INVALID index to drop). Prisma's CLI would run such a file as one script, in which
 *   PostgreSQL refuses `CONCURRENTLY`: apply these migrations with this runner.
 *
 * Uses one `pg` connection, so it also works against embedded PGlite behind a socket.
 * Migrations recorded in the database but missing on disk (an older release running against a
 * newer database) are reported through `log` and otherwise ignored, as Prisma does.
 */
export async function applyMigrations(options: ApplyMigrationsOptions): Promise<ApplyMigrationsResult> {
  const log = options.log ?? (() => {});
  const folder = await readMigrationsFolder(options.migrationsDir);
  const client = new pg.Client({ connectionString: options.url, application_name: 'sva-migrate' });
  // A connection lost between queries is reported by the next query; without a listener the
  // client's 'error' event would crash the process instead.
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const { rows } = await client.query<MigrationRow>(
        'SELECT id, checksum, migration_name, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
      );
      const live = rows.filter((row) => row.rolled_back_at === null);
      const failed = live.filter((row) => row.finished_at === null);
      if (failed.length > 0) throw new MigrationPreviouslyFailedError(failed.map((row) => row.migration_name));

      const onDisk = new Map(folder.migrations.map((migration) => [migration.name, migration]));
      for (const row of live) {
        const file = onDisk.get(row.migration_name);
        if (!file) {
          log(`warning: ${row.migration_name} is applied but not in ${folder.dir}`);
        } else if (!checksumMatches(file.script, row.checksum)) {
          throw new MigrationChecksumMismatchError(row.migration_name, row.checksum, file.checksum);
        }
      }

      const appliedNames = new Set(live.map((row) => row.migration_name));
      const pending = folder.migrations.filter((migration) => !appliedNames.has(migration.name));
      const applied: string[] = [];
      for (const migration of pending) {
        log(`applying ${migration.name}`);
        if (await applyOne(client, migration.name, migration.script, migration.checksum)) {
          applied.push(migration.name);
        }
      }
      log(
        applied.length === 0
          ? `database is up to date (${folder.migrations.length} migrations)`
          : `applied ${applied.length} migration(s)`,
      );
      return { applied };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Applies one migration: in its own transaction, or (marked `-- sva:no-transaction`) statement by
 * statement with its row committed first. False when it turned out to be applied already.
 */
async function applyOne(client: pg.Client, name: string, script: string, checksum: string): Promise<boolean> {
  const id = randomUUID();
  const inTransaction = !runsOutsideTransaction(script);
  await client.query('BEGIN');
  try {
    // The advisory lock already serialises runs on real PostgreSQL. A PGlite server that
    // multiplexes several sockets onto its one session shares the lock between them; re-checking
    // inside the transaction keeps a second runner there from applying the migration again.
    const done = await client.query(
      'SELECT 1 FROM "_prisma_migrations" WHERE migration_name = $1 AND finished_at IS NOT NULL AND rolled_back_at IS NULL',
      [name],
    );
    if (done.rowCount) {
      await client.query('ROLLBACK');
      return false;
    }
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, clock_timestamp(), 0)`,
      [id, checksum, name],
    );
    // Outside a transaction: the started row is kept whatever happens next.
    if (!inTransaction) await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }

  try {
    if (inTransaction) await client.query(script);
    // One statement per query: a multi-statement query is an implicit transaction block.
    else for (const statement of splitSqlStatements(script)) await client.query(statement);
  } catch (cause) {
    if (inTransaction) await client.query('ROLLBACK').catch(() => {});
    const outcome = await recordFailure(client, id, name, checksum, cause);
    throw new MigrationApplyError(name, outcome, { cause });
  }

  await client.query(
    `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = applied_steps_count + 1
     WHERE id = $1`,
    [id],
  );
  if (inTransaction) await client.query('COMMIT');
  return true;
}

/**
 * Records a failed migration. When the started row survived the rollback, the script had
 * committed part of its work: the row is left unfinished (Prisma's failed state, which blocks
 * later runs until resolved). Otherwise nothing was applied and the attempt is recorded as rolled
 * back, which Prisma and this runner ignore except as an audit trail.
 */
async function recordFailure(
  client: pg.Client,
  id: string,
  name: string,
  checksum: string,
  cause: unknown,
): Promise<MigrationFailureOutcome> {
  const logs = `${name} failed: ${errorMessage(cause)}`;
  try {
    const updated = await client.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, logs]);
    if (updated.rowCount) return 'partial';
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at, rolled_back_at, applied_steps_count)
       VALUES ($1, $2, $3, $4, clock_timestamp(), clock_timestamp(), 0)`,
      [id, checksum, name, logs],
    );
    return 'rolled-back';
  } catch {
    // The connection may be gone; the migration's own error is the one worth reporting.
    return 'unknown';
  }
}
