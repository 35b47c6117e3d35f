import { DbError } from './errors.ts';

/** A connection URL that is not `postgres://` / `postgresql://`. */
export class InvalidDatabaseUrlError extends DbError {
  override readonly name = 'InvalidDatabaseUrlError';
}

function parse(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new InvalidDatabaseUrlError('database URL is not a URL', { cause });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new InvalidDatabaseUrlError(`database URL must start with postgres:// or postgresql:// (got ${parsed.protocol}//)`);
  }
  return parsed;
}

/** The database name of a `postgres://` URL (`postgres` when the URL names none, as libpq does for user postgres). */
export function databaseName(url: string): string {
  const parsed = parse(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return name || decodeURIComponent(parsed.username) || 'postgres';
}

/** The same server, user and parameters as `url`, with another database name. */
export function withDatabaseName(url: string, database: string): string {
  const parsed = parse(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** `url` with its password masked, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}
