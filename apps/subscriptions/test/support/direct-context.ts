import { randomBytes, randomUUID } from 'node:crypto';
import { createMemoryBus } from '@sva/bus';
import { copyOut, createPgPool, createPrismaClient } from '@sva/db';
import { FixedClock } from '@sva/kernel';
import { provisionDatabase } from '@sva/testing';
import type { SubscriptionsContext } from '../../src/context.ts';
import { createLoginHasher } from '../../src/domain/login-keys.ts';
import { PrismaClient } from '../../src/generated/prisma/client.ts';
import { migrationsDir } from '../../src/index.ts';
import { catalogReader } from '../../src/repositories/catalog-replica.ts';
import { LOGIN_HASH_KEY } from './harness.ts';

/**
 * The use cases on their own database, without the service around them: to call a consumer's
 * use case twice with the same msgId (a redelivery, which the bus itself never produces on
 * demand) and look at the tables. Nothing is published (the outbox keeps what would be).
 */
export async function directContext(clock = new FixedClock('2026-11-28T12:00:00Z')): Promise<{ ctx: SubscriptionsContext; stop(): Promise<void> }> {
  const database = await provisionDatabase({ migrationsDir, label: 'subscriptions_direct' });
  const pool = createPgPool({ url: database.url, poolMax: database.poolMax });
  const db = createPrismaClient(PrismaClient, { pool });
  const bus = createMemoryBus();
  const ctx: SubscriptionsContext = {
    db,
    copyOut: (copySql) => copyOut(pool, copySql),
    transaction: (work) => db.$transaction(work, { maxWait: 30_000, timeout: 60_000 }),
    clock,
    newId: randomUUID,
    newSubscriberId: () => randomBytes(16).toString('base64url'),
    hasher: createLoginHasher(LOGIN_HASH_KEY),
    catalog: catalogReader(db, bus, 500),
    timeZone: 'America/Sao_Paulo',
    kickRefresh: () => {},
  };
  return {
    ctx,
    async stop() {
      await db.$disconnect();
      await bus.close();
      await database.drop();
    },
  };
}
