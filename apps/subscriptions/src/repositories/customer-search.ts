import { escapeLike } from '@sva/db';
import { Prisma } from '../generated/prisma/client.ts';
import type { SubscriptionsDb } from '../context.ts';

/**
 * Up to this many matches, a name search reads them all through the trigram index and sorts them;
 * beyond, it walks the name order instead. About 2 ms of PostgreSQL time per hundred matches read
 * (1M customers, the shared 2-core machine).
 */
export const NAME_MATCHES_SORTED_AT_MOST = 1_000;

/**
 * One page of the ids of customers whose name search form contains every one of `pieces` (already
 * in search form, `nameSearchPieces`), in name order (`name_search`, then id), after `after` when
 * given, from the narrow `customer_search` table (the customer table is larger than the
 * database's memory; this one and its indexes fit, so rechecking candidates reads no table pages
 * from outside it). Two ways, because PostgreSQL's estimate of how many names hold a substring cannot tell
 * them apart, and each is slow where the other is fast:
 *
 * 1. through the trigram index (`gin_trgm_ops`; the pieces ANDed in one bitmap): every match is
 *    read from the table and the page sorted out of them. Fast for up to a thousand or so matches
 *    ("maria souz"), slow for tens of thousands ("silva" reads every Silva).
 * 2. along the `(name_search, id)` index, in order, each entry tested in the index (an
 *    index-only scan) until the page is full. Fast when matches are many and spread ("silva"),
 *    slow when they are few or bunched late in the order ("raimundo antu": every Raimundo sorts
 *    together, near the end).
 *
 * So the first way is tried with a bound ({@link NAME_MATCHES_SORTED_AT_MOST}); if there are more
 * matches, the second runs (the bitmap plan turned off for that one statement, so that the
 * planner cannot pick the first way again).
 */
export async function customerIdsByName(db: SubscriptionsDb, pieces: readonly string[], take: number, after?: { readonly nameSearch: string; readonly id: string }): Promise<string[]> {
  const conditions = pieces.map((piece) => Prisma.sql`name_search LIKE ${`%${escapeLike(piece)}%`}`);
  if (after) conditions.push(Prisma.sql`(name_search, id) > (${after.nameSearch}, ${after.id}::uuid)`);
  const where = Prisma.join(conditions, ' AND ');

  const few = await db.$queryRaw<Array<{ id: string; matches: number }>>`
    WITH matches AS MATERIALIZED (SELECT id, name_search FROM customer_search WHERE ${where} LIMIT ${NAME_MATCHES_SORTED_AT_MOST + 1})
    SELECT id, (SELECT count(*) FROM matches)::int AS matches FROM matches ORDER BY name_search, id LIMIT ${take}`;
  if ((few[0]?.matches ?? 0) <= NAME_MATCHES_SORTED_AT_MOST) return few.map((row) => row.id);

  const [, many] = await db.$transaction([
    db.$executeRaw`SET LOCAL enable_bitmapscan = off`,
    db.$queryRaw<Array<{ id: string }>>`SELECT id FROM customer_search WHERE ${where} ORDER BY name_search, id LIMIT ${take}`,
  ]);
  return many.map((row) => row.id);
}
