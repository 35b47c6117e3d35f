import { checkMigrationsMatchSchema } from '@sva/db';

/**
 * The SQL that separates a service's committed migrations from its `schema.prisma` ('' when they
 * agree). Replays the migrations on the `DATABASE_URL` server when set, else on embedded PGlite.
 */
export function migrationsDrift(prismaDir: string): Promise<string> {
  return checkMigrationsMatchSchema({
    migrationsDir: `${prismaDir}/migrations`,
    schemaPath: `${prismaDir}/schema.prisma`,
    ...(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : {}),
  });
}
