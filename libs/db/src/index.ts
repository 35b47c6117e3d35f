export { createPgPool, createPrismaClient, type CreatePrismaClientOptions } from './prisma.ts';
export { copyOut, sqlLiteral } from './copy-out.ts';
export { escapeLike } from './like.ts';
export {
  applyMigrations,
  NO_TRANSACTION_MARKER,
  PRISMA_MIGRATE_LOCK_KEY,
  type ApplyMigrationsOptions,
  type ApplyMigrationsResult,
} from './migrate.ts';
export {
  checkMigrationsMatchSchema,
  diffSchemaToSql,
  type CheckMigrationsOptions,
  type DiffSchemaToSqlOptions,
} from './schema-engine.ts';
export { ensureDatabase } from './ensure-database.ts';
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded.ts';
export { databaseName, redactUrl, withDatabaseName, InvalidDatabaseUrlError } from './connection-url.ts';
export {
  migrationChecksum,
  readMigrationsFolder,
  type MigrationFile,
  type MigrationsFolder,
} from './migrations-dir.ts';
export {
  DatabaseCreationError,
  DbError,
  EmbeddedPostgresError,
  MigrationApplyError,
  MigrationChecksumMismatchError,
  MigrationPreviouslyFailedError,
  MigrationsDirectoryError,
  SchemaEngineError,
  type MigrationFailureOutcome,
} from './errors.ts';
export { pgSqlClient, type SqlClient, type TransactionalClient } from './sql-client.ts';
export { appConfigFile, appDatabaseVariable, findDatabaseVariable } from './database-variable.ts';
