import { describe, expect, it } from 'vitest';
import { InvalidDatabaseUrlError, databaseName, redactUrl, withDatabaseName } from '../src/connection-url.ts';

describe('connection URLs', () => {
  it('when the database is replaced, then server, user and parameters stay', () => {
    expect(withDatabaseName('postgres://app:secret@db.local:6543/catalog?sslmode=require', 't_x')).toBe(
      'postgres://app:secret@db.local:6543/t_x?sslmode=require',
    );
  });

  it('when the URL names a database, then databaseName returns it, decoded', () => {
    expect(databaseName('postgresql://u@h/billing%20status')).toBe('billing status');
  });

  it('when the URL names no database, then it defaults to the user name like libpq', () => {
    expect(databaseName('postgres://catalog@h')).toBe('catalog');
  });

  it('when the URL is not postgres://, then InvalidDatabaseUrlError', () => {
    expect(() => databaseName('mysql://u@h/db')).toThrow(InvalidDatabaseUrlError);
    expect(() => withDatabaseName('not a url', 'x')).toThrow(InvalidDatabaseUrlError);
  });

  it('when redacted, then the password is masked', () => {
    expect(redactUrl('postgres://u:secret@h/db')).toBe('postgres://u:***@h/db');
  });
});
