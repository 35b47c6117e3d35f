/**
 * One-time command for a fresh deployment (Kubernetes: `kubectl exec deploy/console -- npm run
 * create-admin -w @sva/console`, or a Job with the same environment): with no account in the
 * console's database (`CONSOLE_DATABASE_URL`, migrated), creates `admin` and prints its generated
 * password once. Does nothing when accounts exist.
 */
import { createPrismaClient } from '@sva/db';
import { systemClock } from '@sva/kernel';
import { env, parseEnv } from '@sva/service-kit';
import { z } from 'zod';
import { PrismaClient } from './generated/prisma/client.ts';
import { ensureFirstAdmin } from './server/accounts.ts';
import { consoleDefaults, type ConsoleConfig } from './server/config.ts';

const { CONSOLE_DATABASE_URL: url } = parseEnv(z.object({ CONSOLE_DATABASE_URL: env.postgresUrl() }));
const db = createPrismaClient(PrismaClient, { url, poolMax: 1 });
try {
  // Only the database is used: the rest of the context is not needed to create an account.
  const password = await ensureFirstAdmin({ db, clock: systemClock, config: consoleDefaults as unknown as ConsoleConfig, operations: { all: [], find: () => undefined }, fetch });
  process.stdout.write(password ? `created user "admin" with password ${password} (shown once; change it)\n` : 'accounts exist already: nothing done\n');
} finally {
  await db.$disconnect();
}
