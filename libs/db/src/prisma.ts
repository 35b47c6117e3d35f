import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

/** Where a Prisma client gets its connections: a URL (it opens its own pool) or a pool of yours. */
export type CreatePrismaClientOptions =
  | {
      /** `postgres://` connection URL. Prisma 7 takes it from the adapter, not from the schema. */
      readonly url: string;
      /**
       * Most connections the pool opens (pg's default is 10). Use 1 against embedded PGlite
       * (`startEmbeddedPostgres().poolMax`): it serves a single connection.
       */
      readonly poolMax?: number;
      /** PostgreSQL schema the generated queries use, when not `public`. */
      readonly schema?: string;
    }
  | {
      /**
       * A `pg` pool (`createPgPool`) the client shares with code that needs a connection of its
       * own (`copyOut`): both then keep within one limit, which embedded PGlite needs. The
       * client's `$disconnect()` ends it.
       */
      readonly pool: pg.Pool;
      readonly schema?: string;
    };

/** A `pg` pool of at most `poolMax` connections (pg's default, 10, when absent). */
export function createPgPool(options: { readonly url: string; readonly poolMax?: number | undefined }): pg.Pool {
  return new pg.Pool({ connectionString: options.url, ...(options.poolMax === undefined ? {} : { max: options.poolMax }) });
}

/**
 * Builds a service's generated `PrismaClient` on `@prisma/adapter-pg`:
 *
 * ```ts
 * import { PrismaClient } from '../generated/prisma/client.ts';
 * const prisma = createPrismaClient(PrismaClient, { url: config.databaseUrl, poolMax: config.dbPoolMax });
 * ```
 *
 * The client owns its pool; `prisma.$disconnect()` closes it.
 */
export function createPrismaClient<T>(
  PrismaClientClass: new (options: { adapter: PrismaPg }) => T,
  options: CreatePrismaClientOptions,
): T {
  const pool = 'pool' in options ? options.pool : createPgPool(options);
  const adapter = new PrismaPg(pool, { disposeExternalPool: true, ...(options.schema === undefined ? {} : { schema: options.schema }) });
  return new PrismaClientClass({ adapter });
}
