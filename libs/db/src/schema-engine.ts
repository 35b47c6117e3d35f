import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  ColumnTypeEnum,
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQueryable,
} from '@prisma/driver-adapter-utils';
import type * as EngineModule from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';
import { withDatabaseName } from './connection-url.ts';
import { startEmbeddedPostgres } from './embedded.ts';
import { SchemaEngineError, errorMessage } from './errors.ts';
import { MIGRATION_FILE, MIGRATION_LOCK_CONTENT, MIGRATION_LOCK_FILE, readMigrationsFolder } from './migrations-dir.ts';

/** Prisma's WebAssembly schema engine, as `withSchemaEngine` hands it out. */
export type SchemaEngine = EngineModule.SchemaEngine;
/** A migrations folder in the shape the engine takes (`diff`, `applyMigrations`, `diagnoseMigrationHistory`). */
export type EngineMigrationList = EngineModule.MigrationList;

export interface DiffSchemaToSqlOptions {
  /** Start from an empty database, or from the state the committed migrations produce. */
  readonly from: 'empty' | { readonly migrationsDir: string };
  /** The `schema.prisma` to reach. */
  readonly schemaPath: string;
  /**
   * A PostgreSQL server to work on (any database of it; 13 or newer). With `from.migrationsDir`
   * the migrations are replayed in a temporary database created there and dropped afterwards.
   * Without it, an in-memory embedded PGlite is started for the call (a few seconds).
   */
  readonly shadowUrl?: string;
}

/**
 * SQL that takes a database from `from` to `schemaPath`, as `prisma migrate diff --script`
 * prints it; `''` when there is nothing to do. With `from: { migrationsDir }` this is the next
 * migration to commit.
 */
export async function diffSchemaToSql(options: DiffSchemaToSqlOptions): Promise<string> {
  const from: EngineModule.DiffTarget =
    options.from === 'empty'
      ? { tag: 'empty' }
      : { tag: 'migrations', ...(await loadMigrationList(options.from.migrationsDir)) };
  return withSchemaEngine({ schemaPath: options.schemaPath, url: options.shadowUrl }, async (engine, files) => {
    const result = await engine.diff({
      from,
      to: { tag: 'schemaDatamodel', files },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    return normalizeScript(result.stdout);
  });
}

export interface CheckMigrationsOptions {
  readonly migrationsDir: string;
  readonly schemaPath: string;
  /** Server to replay the migrations on, as {@link DiffSchemaToSqlOptions.shadowUrl}; embedded PGlite when omitted. */
  readonly url?: string;
}

/**
 * Proves the committed migrations and `schema.prisma` agree: replays the migrations in a
 * temporary database and diffs the result against the schema. Returns the SQL a new migration
 * would need (the drift), `''` when they agree.
 */
export async function checkMigrationsMatchSchema(options: CheckMigrationsOptions): Promise<string> {
  return diffSchemaToSql({
    from: { migrationsDir: options.migrationsDir },
    schemaPath: options.schemaPath,
    ...(options.url === undefined ? {} : { shadowUrl: options.url }),
  });
}

/**
 * The `migrations` folder in the engine's shape. A folder without `migration_lock.toml` (before
 * the first migration) is taken as PostgreSQL, the only provider this library serves.
 */
export async function loadMigrationList(migrationsDir: string): Promise<EngineMigrationList> {
  const folder = await readMigrationsFolder(migrationsDir);
  return {
    baseDir: folder.dir,
    lockfile: { path: MIGRATION_LOCK_FILE, content: folder.lockfile ?? MIGRATION_LOCK_CONTENT },
    shadowDbInitScript: '',
    migrationDirectories: folder.migrations.map((migration) => ({
      path: migration.name,
      migrationFile: { path: MIGRATION_FILE, content: { tag: 'ok', value: migration.script } },
    })),
  };
}

/** The schema filter meaning "everything is managed by Prisma". */
export const NO_FILTERS: EngineModule.SchemaFilter = { externalTables: [], externalEnums: [] };

export interface WithSchemaEngineOptions {
  readonly schemaPath: string;
  /**
   * The engine's database. Shadow databases are created beside it and dropped afterwards.
   * `undefined` runs everything on a throwaway in-memory PGlite (main and shadow are then one database).
   */
  readonly url?: string | undefined;
}

/**
 * Runs `fn` with a schema engine connected to `url` (through `@prisma/adapter-pg`), then frees the
 * engine and closes every connection and shadow database it used. Engine failures and panics
 * surface as {@link SchemaEngineError}. Lower level than the helpers above; exported for tools
 * and tests that need another engine command.
 */
export async function withSchemaEngine<T>(
  options: WithSchemaEngineOptions,
  fn: (engine: SchemaEngine, schemaFiles: EngineModule.SchemaContainer[]) => Promise<T>,
): Promise<T> {
  const content = await readFile(options.schemaPath, 'utf8');
  const files = [{ path: options.schemaPath, content }];
  const engineModule = await loadEngineModule();
  const connections = options.url === undefined ? await embeddedConnections() : serverConnections(options.url);
  try {
    let engine: SchemaEngine;
    try {
      engine = await engineModule.SchemaEngine.new(
        { datamodels: [[options.schemaPath, content]] },
        () => {},
        bindMigrationAwareSqlAdapterFactory(connections.factory),
      );
    } catch (error) {
      throw toEngineError(error, 'could not start the schema engine');
    }
    try {
      return await fn(engine, files);
    } catch (error) {
      if (error instanceof SchemaEngineError) throw error;
      throw toEngineError(error, 'schema engine request failed');
    } finally {
      engine.free();
    }
  } finally {
    await connections.close();
  }
}

function normalizeScript(stdout: string | null): string {
  const script = stdout ?? '';
  return /^\s*(-- This is an empty migration\.\s*)?$/.test(script) ? '' : script;
}

// ---- loading the WebAssembly module ----------------------------------------------------------

/** The slice of the `WebAssembly` global used here (the workspace's `lib` settings do not declare it). */
interface WebAssemblyApi {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, object>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
  RuntimeError: abstract new (...args: never[]) => Error;
}
const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

let enginePromise: Promise<typeof EngineModule> | undefined;
let lastPanic: string | undefined;

/**
 * Instantiates the engine once per process. Its package's own entry imports the `.wasm` file as
 * an ES module, which Node does not do without a flag, so the module is wired by hand.
 */
function loadEngineModule(): Promise<typeof EngineModule> {
  enginePromise ??= (async () => {
    const globals = globalThis as Record<string, unknown>;
    // The engine reports a Rust panic's message here before trapping.
    globals['PRISMA_WASM_PANIC_REGISTRY'] ??= { set_message: (message: string) => (lastPanic = message) };
    const bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const bindingsPath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(path.join(path.dirname(bindingsPath), 'schema_engine_bg.wasm'));
    const { instance } = await wasm.instantiate(bytes, { './schema_engine_bg.js': bindings });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports['__wbindgen_start'] as () => void)();
    return bindings;
  })().catch((error: unknown) => {
    enginePromise = undefined;
    throw new SchemaEngineError('could not load @prisma/schema-engine-wasm', { cause: error });
  });
  return enginePromise;
}

function toEngineError(error: unknown, context: string): SchemaEngineError {
  if (error instanceof wasm.RuntimeError) {
    // A trapped instance is not safe to reuse: the next call instantiates a fresh one.
    enginePromise = undefined;
    const panic = lastPanic;
    lastPanic = undefined;
    return new SchemaEngineError(`${context}: the schema engine panicked: ${panic ?? errorMessage(error)}`, {
      cause: error,
    });
  }
  // Engine messages end with a Rust span trace ("   0: schema_engine_wasm::…"), noise for a user.
  const message = errorMessage(error).split(/\n\s+0: /)[0]!.trim();
  return new SchemaEngineError(`${context}: ${message}`, { cause: error });
}

// ---- connections -------------------------------------------------------------------------------

interface EngineConnections {
  readonly factory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}

/**
 * Main connection to `url`; each shadow database is created on the same server under a random
 * name and dropped in `close()`. (`PrismaPg#connectToShadowDb` cannot be used: given a connection
 * string it connects the "shadow" to the main database, because pg lets the string win over the
 * `database` it adds.)
 */
function serverConnections(url: string): EngineConnections {
  const pools: pg.Pool[] = [];
  const shadowDatabases: string[] = [];
  const connectTo = async (target: string) => {
    const pool = charAwarePool(target, 2);
    pools.push(pool);
    return charAwareAdapter(await new PrismaPg(pool).connect());
  };
  return {
    factory: {
      provider: 'postgres',
      adapterName: '@sva/db',
      connect: () => connectTo(url),
      connectToShadowDb: async () => {
        const name = `prisma_shadow_${randomUUID().replaceAll('-', '')}`;
        await runAdmin(url, `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
        shadowDatabases.push(name);
        return connectTo(withDatabaseName(url, name));
      },
    },
    async close() {
      await Promise.all(pools.map((pool) => pool.end().catch(() => {})));
      for (const name of shadowDatabases) {
        await runAdmin(url, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      }
    },
  };
}

/**
 * A fresh in-memory PGlite that serves as main and shadow database. It takes one connection, so
 * every adapter shares one pool of size 1 (the engine issues one request at a time).
 */
async function embeddedConnections(): Promise<EngineConnections> {
  const embedded = await startEmbeddedPostgres();
  const pool = charAwarePool(embedded.url, embedded.poolMax);
  const connect = async () => charAwareAdapter(await new PrismaPg(pool).connect());
  return {
    factory: { provider: 'postgres', adapterName: '@sva/db', connect, connectToShadowDb: connect },
    async close() {
      await pool.end().catch(() => {});
      await embedded.stop();
    },
  };
}

async function runAdmin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: 'sva-schema-engine' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

// ---- the `"char"` column type ------------------------------------------------------------------
// The engine's introspection reads catalog columns of PostgreSQL's one-byte `"char"` type (oid 18,
// e.g. pg_constraint.contype). @prisma/adapter-pg rejects that oid ("Column type 'char' could not be
// deserialized"), which breaks every diff that reads a database. Results are patched in two steps:
// the pg client relabels oid 18 as text so the adapter accepts it, remembering which columns it
// relabelled (keyed by the rows array, which the adapter passes through unchanged), and the adapter
// wrapper then reports those columns as `Character`, the type the engine expects.

const CHAR_OID = 18;
const TEXT_OID = 25;
const charColumns = new WeakMap<object, number[]>();

interface QueryResultLike {
  fields?: { dataTypeID: number }[];
  rows?: unknown;
}

function relabelCharColumns(result: unknown): void {
  for (const part of Array.isArray(result) ? (result as QueryResultLike[]) : [result as QueryResultLike]) {
    const columns: number[] = [];
    part?.fields?.forEach((field, index) => {
      if (field.dataTypeID === CHAR_OID) {
        field.dataTypeID = TEXT_OID;
        columns.push(index);
      }
    });
    if (columns.length > 0 && typeof part.rows === 'object' && part.rows !== null) charColumns.set(part.rows, columns);
  }
}

type AnyQuery = (...args: unknown[]) => unknown;

function charAwarePool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'sva-schema-engine' });
  // Dropping a shadow database terminates its idle connections; that is expected.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    const target = client as unknown as { query: AnyQuery };
    const query = target.query.bind(client) as AnyQuery;
    target.query = (...args: unknown[]) => {
      const callbackIndex = args.findIndex((arg) => typeof arg === 'function');
      if (callbackIndex >= 0) {
        const callback = args[callbackIndex] as (error: unknown, result: unknown) => void;
        args[callbackIndex] = (error: unknown, result: unknown) => {
          if (!error) relabelCharColumns(result);
          callback(error, result);
        };
        return query(...args);
      }
      const pending = query(...args);
      return pending instanceof Promise ? pending.then((result: unknown) => (relabelCharColumns(result), result)) : pending;
    };
  });
  return pool;
}

function withCharColumns<Q extends SqlQueryable>(queryable: Q): Q {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const result = await queryRaw(query);
    const columns = charColumns.get(result.rows);
    if (!columns) return result;
    const columnTypes = [...result.columnTypes];
    for (const index of columns) columnTypes[index] = ColumnTypeEnum.Character;
    return { ...result, columnTypes };
  };
  return queryable;
}

function charAwareAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  withCharColumns(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => withCharColumns(await startTransaction(isolationLevel));
  return adapter;
}
