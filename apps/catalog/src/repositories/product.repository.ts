import { escapeLike } from '@sva/db';
import type { Tx } from '../context.ts';
import type { Product as ProductRow } from '../generated/prisma/client.ts';
import { decodeCursor, encodeCursor, type Page, type PageRequest } from './pagination.ts';

export interface ProductFilter extends PageRequest {
  readonly active?: boolean | undefined;
  /** Case-insensitive part of the code or the name. */
  readonly q?: string | undefined;
}

/** One page of an integration's synced products, by code. */
export async function listProducts(db: Tx, integrationId: string, filter: ProductFilter): Promise<Page<ProductRow>> {
  const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor, 1)[0];
  const rows = await db.product.findMany({
    where: {
      integrationId,
      ...(after === undefined ? {} : { code: { gt: after } }),
      ...(filter.active === undefined ? {} : { active: filter.active }),
      ...(filter.q === undefined
        ? {}
        : { OR: [{ code: { contains: escapeLike(filter.q), mode: 'insensitive' as const } }, { name: { contains: escapeLike(filter.q), mode: 'insensitive' as const } }] }),
    },
    orderBy: { code: 'asc' },
    take: filter.limit + 1,
  });
  const items = rows.slice(0, filter.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > filter.limit && last ? encodeCursor([last.code]) : null };
}
