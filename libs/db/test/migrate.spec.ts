import { describe, expect, it } from 'vitest';
import { runsOutsideTransaction, splitSqlStatements } from '../src/migrate.ts';

describe('runsOutsideTransaction', () => {
  it('when the first line is the marker, then the migration runs outside a transaction', () => {
    expect(runsOutsideTransaction('-- sva:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);')).toBe(true);
    expect(runsOutsideTransaction('  -- sva:no-transaction  \r\nSELECT 1;')).toBe(true);
  });

  it('when the marker is missing or not on the first line, then it runs in a transaction', () => {
    expect(runsOutsideTransaction('CREATE TABLE t (c int);')).toBe(false);
    expect(runsOutsideTransaction('-- a comment\n-- sva:no-transaction\nSELECT 1;')).toBe(false);
    expect(runsOutsideTransaction('-- sva:no-transactions\nSELECT 1;')).toBe(false);
  });
});

describe('splitSqlStatements', () => {
  it('when statements end with semicolons, then each is returned trimmed, the last one with or without its semicolon', () => {
    expect(splitSqlStatements('CREATE TABLE a (id int);\n\nCREATE TABLE b (id int)\n')).toEqual(['CREATE TABLE a (id int)', 'CREATE TABLE b (id int)']);
  });

  it('when semicolons are inside quotes, identifiers, dollar quotes or comments, then they do not split', () => {
    const script = [
      "INSERT INTO t VALUES ('a;b', 'it''s;', E'x\\';y');",
      'CREATE TABLE "odd;name" ("c;" int);',
      'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;',
      'CREATE FUNCTION g() RETURNS int AS $body$ BEGIN RETURN 2; END; $body$ LANGUAGE plpgsql;',
      '-- a comment; with a semicolon',
      '/* block; /* nested; */ still comment; */ SELECT 3;',
    ].join('\n');
    expect(splitSqlStatements(script)).toEqual([
      "INSERT INTO t VALUES ('a;b', 'it''s;', E'x\\';y')",
      'CREATE TABLE "odd;name" ("c;" int)',
      'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql',
      'CREATE FUNCTION g() RETURNS int AS $body$ BEGIN RETURN 2; END; $body$ LANGUAGE plpgsql',
      '-- a comment; with a semicolon\n/* block; /* nested; */ still comment; */ SELECT 3',
    ]);
  });

  it('when a part holds only comments or whitespace, then it is left out', () => {
    expect(splitSqlStatements('-- sva:no-transaction\n-- only a note;\n;\n  ;SELECT 1;\n-- trailing')).toEqual(['SELECT 1']);
  });
});
