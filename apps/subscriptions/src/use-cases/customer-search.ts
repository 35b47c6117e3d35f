import { normaliseLogin } from '@sva/contracts';
import { escapeLike } from '@sva/db';
import type { SubscriptionsContext } from '../context.ts';
import { parseTaxDocument } from '../domain/document.ts';
import { invalidCursor, invalidDocument, nameTermTooShort } from '../domain/errors.ts';
import { MIN_NAME_TERM_LENGTH, nameSearchForm, nameSearchPieces } from '../domain/name-search.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { customerIdsByName } from '../repositories/customer-search.ts';
import { documentKeysOf, type CustomerCreated } from './customers.ts';

/**
 * What an operator searches customers by (Clientes › busca). Every given criterion must hold
 * (AND); with none, every customer.
 */
export interface CustomerSearch {
  /** Parts of the name, accents and case ignored; several words are found in any order (`domain/name-search.ts`). */
  readonly name?: string | undefined;
  /** CPF/CNPJ with or without punctuation, found by its keyed hash. */
  readonly document?: string | undefined;
  /** The customer code in the provider's management system, exactly. */
  readonly code?: string | undefined;
  /** The network login (`login_autenticacao`) of one of the customer's services, exactly. */
  readonly login?: string | undefined;
  /** The subscriber id an integration knows the customer by (R13). */
  readonly subscriberId?: string | undefined;
}

/**
 * Where the previous page ended. By name the results are ordered by the name's search form, then
 * id, and the position is the last customer's id only (a cursor travels in URLs and logs: it must
 * not carry the name); newest first otherwise, by creation time and id.
 */
export type CustomerPosition = { readonly by: 'name'; readonly id: string } | { readonly by: 'created'; readonly at: Date; readonly id: string };

/** A customer as a search lists it: what registering it answered, with its standing and creation time. */
export interface CustomerFound extends CustomerCreated {
  readonly delinquent: boolean;
  readonly createdAt: Date;
}

export interface CustomerSearchPage {
  readonly items: readonly CustomerFound[];
  /** Where the next page starts, or `null` on the last page. */
  readonly next: CustomerPosition | null;
}

const columns = { id: true, name: true, nameSearch: true, documentType: true, documentMasked: true, email: true, code: true, delinquent: true, createdAt: true } as const;

/**
 * Find customers: by name ordered by name, by anything else (or nothing) newest first; one page of
 * `limit`. Login and subscriber id are resolved to their customer first (both unique), so every
 * search but the one by name alone reads at most one customer; that one takes the page's ids from
 * the indexes first (`customerIdsByName`), then reads those rows.
 */
export async function searchCustomers(ctx: SubscriptionsContext, search: CustomerSearch, limit: number, after?: CustomerPosition): Promise<CustomerSearchPage> {
  const byName = search.name !== undefined;
  if (after && after.by !== (byName ? 'name' : 'created')) throw invalidCursor();
  const where: Prisma.CustomerWhereInput[] = [];

  let pieces: string[] | undefined;
  if (search.name !== undefined) {
    if (nameSearchForm(search.name).length < MIN_NAME_TERM_LENGTH) throw nameTermTooShort(MIN_NAME_TERM_LENGTH);
    pieces = nameSearchPieces(search.name);
    // Prisma's `contains` is LIKE '%…%' without escaping: `%` and `_` typed must match themselves.
    for (const piece of pieces) where.push({ nameSearch: { contains: escapeLike(piece) } });
  }
  if (search.document !== undefined) {
    const parsed = parseTaxDocument(search.document);
    if (!parsed) throw invalidDocument();
    where.push({ documentKey: { in: documentKeysOf(ctx, parsed.value) } });
  }
  if (search.code !== undefined) where.push({ code: search.code });
  if (search.login !== undefined) {
    const service = await ctx.db.customerService.findUnique({ where: { authLogin: normaliseLogin('login_autenticacao', search.login) }, select: { customerId: true } });
    if (!service) return { items: [], next: null };
    where.push({ id: service.customerId });
  }
  if (search.subscriberId !== undefined) {
    const subscriber = await ctx.db.subscriber.findUnique({ where: { subscriberId: search.subscriberId }, select: { customerId: true } });
    if (!subscriber) return { items: [], next: null };
    where.push({ id: subscriber.customerId });
  }

  let nameAfter: { nameSearch: string; id: string } | undefined;
  if (after?.by === 'name') {
    const last = await ctx.db.customer.findUnique({ where: { id: after.id }, select: { nameSearch: true } });
    if (!last) throw invalidCursor();
    nameAfter = { nameSearch: last.nameSearch, id: after.id };
    where.push({ OR: [{ nameSearch: { gt: last.nameSearch } }, { nameSearch: last.nameSearch, id: { gt: after.id } }] });
  } else if (after?.by === 'created') {
    where.push({ OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }] });
  }

  let rows: Array<Prisma.CustomerGetPayload<{ select: typeof columns }>>;
  const nameAlone = pieces !== undefined && [search.document, search.code, search.login, search.subscriberId].every((value) => value === undefined);
  if (nameAlone) {
    // By name alone: the one search that may match thousands.
    const ids = await customerIdsByName(ctx.db, pieces!, limit + 1, nameAfter);
    const found = new Map((await ctx.db.customer.findMany({ where: { id: { in: ids } }, select: columns })).map((row) => [row.id, row]));
    rows = ids.flatMap((id) => found.get(id) ?? []);
  } else {
    rows = await ctx.db.customer.findMany({
      where: { AND: where },
      orderBy: byName ? [{ nameSearch: 'asc' }, { id: 'asc' }] : [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
      select: columns,
    });
  }
  const items = rows.slice(0, limit).map(({ nameSearch: _, ...row }) => ({ ...row, documentType: row.documentType as 'cpf' | 'cnpj' }));
  const last = items[items.length - 1];
  const next: CustomerPosition | null = rows.length > limit && last ? (byName ? { by: 'name', id: last.id } : { by: 'created', at: last.createdAt, id: last.id }) : null;
  return { items, next };
}
