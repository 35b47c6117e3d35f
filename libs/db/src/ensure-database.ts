import pg from 'pg';
import { databaseName, withDatabaseName } from './connection-url.ts';
import { DatabaseCreationError } from './errors.ts';

/** PostgreSQL's SQLSTATE for "database does not exist". */
const INVALID_CATALOG_NAME = '3D000';
/** SQLSTATE of CREATE DATABASE losing a race with another creator. */
const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

/**
 * Creates the database named by `url` when it does not exist yet. It first connects to that
 * database (enough when it exists, and needs no access to anything else); only when the server
 * answers "database does not exist" does it connect to the `postgres` database of the same
 * server and run `CREATE DATABASE`. Safe when several processes race to create it.
 */
export async function ensureDatabase(url: string): Promise<void> {
  const probe = new pg.Client({ connectionString: url, application_name: 'sva-migrate' });
  try {
    await probe.connect();
    return;
  } catch (error) {
    if ((error as { code?: unknown }).code !== INVALID_CATALOG_NAME) throw error;
  } finally {
    await probe.end().catch(() => {});
  }

  const name = databaseName(url);
  const admin = new pg.Client({ connectionString: withDatabaseName(url, 'postgres'), application_name: 'sva-migrate' });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    if (code === DUPLICATE_DATABASE || code === UNIQUE_VIOLATION) return;
    throw new DatabaseCreationError(name, { cause });
  } finally {
    await admin.end().catch(() => {});
  }
}
