import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import { EmbeddedPostgresError } from './errors.ts';

export interface EmbeddedPostgresOptions {
  /** Directory holding the data, created when missing; `undefined` keeps everything in memory. */
  readonly dataDir?: string;
  /** TCP port; 0 (the default) lets the OS pick a free one. */
  readonly port?: number;
  /** Interface to listen on; `127.0.0.1` by default. */
  readonly host?: string;
}

/** A running embedded PostgreSQL (PGlite behind a wire-protocol socket). */
export interface EmbeddedPostgres {
  /** `postgres://postgres@<host>:<port>/postgres`, for `pg`, `@prisma/adapter-pg` and `applyMigrations`. */
  readonly url: string;
  /** The pool size every client must use: PGlite serves one connection at a time. */
  readonly poolMax: 1;
  /** Closes the socket server, then the database (flushing it to `dataDir`). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL compiled to WebAssembly (`@electric-sql/pglite`) and serves it over the
 * PostgreSQL wire protocol (`@electric-sql/pglite-socket`), so `pg` and `@prisma/adapter-pg`
 * connect to it as to a real server. Used by the embedded mode and as the last-resort test database.
 *
 * PGlite is ONE session at heart, and this server accepts ONE connection at a time; a second
 * simultaneous connection is dropped ("Connection terminated unexpectedly"). So:
 * - give every pool `max: poolMax` (1) and share one pool per embedded server;
 * - close a client before opening another (sequential clients are fine: `applyMigrations`, then
 *   the service's Prisma client);
 * - a session-level setting (`SET …`) stays for the next client of the same server.
 *
 * Extensions: `pg_trgm` (customer search by name) is loaded; add others here as migrations need them.
 *
 * Observed to behave as on PostgreSQL (PGlite 0.5.14, PostgreSQL 18.6): transactions and rollback,
 * `pg_advisory_lock`, `SELECT … FOR UPDATE SKIP LOCKED`, `LISTEN`/`NOTIFY` on the one connection
 * (notifications arrive after commit). There is nothing to lock against, though: with one
 * session, advisory and row locks never make anyone wait. The server's built-in multiplexing of
 * several connections onto the session is not used: concurrent extended-protocol queries on two
 * connections corrupt each other's unnamed prepared statements.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = options.dataDir === undefined ? undefined : path.resolve(options.dataDir);
  const [{ PGlite: PGliteImpl }, { PGLiteSocketServer }, { pg_trgm }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-socket'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
  ]);
  // Contrib extensions the services' migrations create (`CREATE EXTENSION`): PGlite loads an
  // extension's files only when it is passed here, on every instance that may use it.
  const extensions = { pg_trgm };

  let db: PGlite;
  try {
    if (dataDir !== undefined) {
      await mkdir(dataDir, { recursive: true });
      db = await PGliteImpl.create({ dataDir, extensions });
    } else {
      db = await createInMemory(PGliteImpl, extensions);
    }
  } catch (cause) {
    throw new EmbeddedPostgresError(`could not open PGlite${dataDir ? ` in ${dataDir}` : ''}`, { cause });
  }

  const server = new PGLiteSocketServer({ db, host, port: options.port ?? 0, maxConnections: 1 });
  try {
    await server.start();
  } catch (cause) {
    await db.close().catch(() => {});
    throw new EmbeddedPostgresError(`could not listen on ${host}:${options.port ?? 0}`, { cause });
  }

  const listening = server.getServerConn();
  const port = Number(listening.slice(listening.lastIndexOf(':') + 1));
  const url = `postgres://postgres@${urlHost(host)}:${port}/postgres`;

  let stopping: Promise<void> | undefined;
  return {
    url,
    poolMax: 1,
    stop() {
      stopping ??= (async () => {
        await server.stop();
        await db.close();
      })();
      return stopping;
    },
  };
}

type PGliteClass = typeof PGlite;
type Extensions = NonNullable<PGliteOptions['extensions']>;

/** The data directory of a just-initialised cluster, shared by every in-memory instance of the process. */
let pristineDataDir: Promise<Blob> | undefined;

/**
 * A fresh in-memory PGlite. `initdb` takes seconds, so it runs once per process on a template
 * instance whose pristine data directory (about 40 MB) is kept; every instance, including
 * concurrent first ones, starts from that snapshot in a fraction of a second.
 */
async function createInMemory(PGliteImpl: PGliteClass, extensions: Extensions): Promise<PGlite> {
  pristineDataDir ??= (async () => {
    const template = await PGliteImpl.create();
    try {
      return await template.dumpDataDir('none');
    } finally {
      await template.close();
    }
  })();
  let snapshot: Blob;
  try {
    snapshot = await pristineDataDir;
  } catch {
    pristineDataDir = undefined;
    return PGliteImpl.create({ extensions });
  }
  return PGliteImpl.create({ loadDataDir: snapshot, extensions });
}

/** The host a client dials: a wildcard listen address means "this machine". */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
