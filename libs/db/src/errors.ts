/** Base class of this library's own failures. `cause` carries the driver or engine error, if any. */
export class DbError extends Error {
  override readonly name: string = 'DbError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The migrations folder cannot be used: it is missing, a migration directory has no
 * `migration.sql`, or `migration_lock.toml` names another provider than `postgresql`.
 */
export class MigrationsDirectoryError extends DbError {
  override readonly name = 'MigrationsDirectoryError';
  constructor(readonly migrationsDir: string, reason: string, options?: { cause?: unknown }) {
    super(`migrations directory ${migrationsDir}: ${reason}`, options);
  }
}

/**
 * A migration already applied to the database no longer has the same `migration.sql`
 * (its sha256 differs from the checksum recorded in `_prisma_migrations`). Committed
 * migrations are immutable: write a new migration instead of editing an old one.
 */
export class MigrationChecksumMismatchError extends DbError {
  override readonly name = 'MigrationChecksumMismatchError';
  constructor(
    readonly migrationName: string,
    readonly recordedChecksum: string,
    readonly fileChecksum: string,
  ) {
    super(
      `migration ${migrationName} was modified after it was applied ` +
        `(recorded checksum ${recordedChecksum}, file checksum ${fileChecksum}); ` +
        'restore the applied file and put the change in a new migration',
    );
  }
}

/**
 * `_prisma_migrations` holds a migration that started and never finished (Prisma's P3009
 * state): the database may be half-migrated. Inspect it, fix it by hand, then mark the row
 * rolled back (`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = …`,
 * which is what `prisma migrate resolve --rolled-back` does) or applied.
 */
export class MigrationPreviouslyFailedError extends DbError {
  override readonly name = 'MigrationPreviouslyFailedError';
  constructor(readonly migrationNames: readonly string[]) {
    super(
      `migration ${migrationNames.join(', ')} failed earlier and was not resolved; ` +
        'repair the database, then mark the row in _prisma_migrations as rolled back or applied',
    );
  }
}

/**
 * What a failed migration left behind: `rolled-back` (nothing), `partial` (the script committed
 * part of its work with its own `COMMIT`; the database needs repair) or `unknown` (the failure
 * could not be recorded, e.g. the connection dropped).
 */
export type MigrationFailureOutcome = 'rolled-back' | 'partial' | 'unknown';

/** A migration's SQL failed. `cause` is the PostgreSQL error. */
export class MigrationApplyError extends DbError {
  override readonly name = 'MigrationApplyError';
  constructor(
    readonly migrationName: string,
    readonly outcome: MigrationFailureOutcome,
    options: { cause: unknown },
  ) {
    super(`migration ${migrationName} failed: ${errorMessage(options.cause)} (${OUTCOME_TEXT[outcome]})`, options);
  }
}

const OUTCOME_TEXT: Record<MigrationFailureOutcome, string> = {
  'rolled-back': 'rolled back, nothing was applied',
  partial: 'the script committed part of its work before failing; the database needs repair',
  unknown: 'the failure could not be recorded; check _prisma_migrations',
};

/** The Prisma schema engine (WebAssembly) refused a request or panicked. */
export class SchemaEngineError extends DbError {
  override readonly name = 'SchemaEngineError';
}

/** `startEmbeddedPostgres` could not start PGlite or its socket server. */
export class EmbeddedPostgresError extends DbError {
  override readonly name = 'EmbeddedPostgresError';
}

/** The database of a connection URL could not be created. */
export class DatabaseCreationError extends DbError {
  override readonly name = 'DatabaseCreationError';
  constructor(readonly database: string, options: { cause: unknown }) {
    super(`could not create database ${database}: ${errorMessage(options.cause)}`, options);
  }
}

/** The message of anything thrown, for composing messages. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
