import { CursorTimestamp, Id, isUnstorableText } from '@sva/contracts';
import { invalidCursor } from '../domain/errors.ts';

/**
 * Keyset pagination. Lists are ordered by creation time, then id; a page ends with an opaque
 * `nextCursor` naming its last row, and the next page starts after that row. Unlike offsets, a
 * row created or removed meanwhile neither repeats nor skips rows.
 */
export interface PageRequest {
  readonly limit: number;
  /** `nextCursor` of the previous page; absent for the first page. */
  readonly cursor?: string | undefined;
}

export interface Page<T> {
  readonly items: T[];
  /** Pass as `cursor` to read the next page; `null` on the last page. */
  readonly nextCursor: string | null;
}

/** The position a cursor names: a row's creation time and id. */
export interface CreatedPosition {
  readonly createdAt: Date;
  readonly id: string;
}

export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(['c1', ...parts]), 'utf8').toString('base64url');
}

/** The parts of a cursor handed out by `encodeCursor`, or a 400 `CATALOG_INVALID_CURSOR`. */
export function decodeCursor(cursor: string, size: number): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== size + 1 || parsed[0] !== 'c1' || !parsed.every((part) => typeof part === 'string' && !isUnstorableText(part))) {
    throw invalidCursor();
  }
  return parsed.slice(1) as string[];
}

/** Prisma `where` for rows after a creation-ordered cursor (`{}` without one). */
export function afterCreated(cursor: string | undefined): object {
  if (cursor === undefined) return {};
  const [at, id] = decodeCursor(cursor, 2) as [string, string];
  // The shared contract types: a year out of range (0000, -100000) or a non-UUID id is a 400, not a database error.
  if (!CursorTimestamp.safeParse(at).success || !Id.safeParse(id).success) throw invalidCursor();
  const createdAt = new Date(at);
  return { OR: [{ createdAt: { gt: createdAt } }, { createdAt, id: { gt: id } }] };
}

/** Order matching `afterCreated`. */
export const createdOrder = [{ createdAt: 'asc' as const }, { id: 'asc' as const }];

/** Cut the `limit + 1` rows a query fetched into a page. */
export function toPage<R extends CreatedPosition, T>(rows: readonly R[], limit: number, map: (row: R) => T): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
  };
}
