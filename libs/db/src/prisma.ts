import { PrismaPg } from '@prisma/adapter-pg';

export interface CreatePrismaClientOptions {
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
  const adapter = new PrismaPg(
    { connectionString: options.url, ...(options.poolMax === undefined ? {} : { max: options.poolMax }) },
    options.schema === undefined ? undefined : { schema: options.schema },
  );
  return new PrismaClientClass({ adapter });
}
