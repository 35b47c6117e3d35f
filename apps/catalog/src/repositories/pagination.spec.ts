import { describe, expect, it } from 'vitest';
import { afterCreated, decodeCursor, encodeCursor, toPage } from './pagination.ts';

const row = (ms: number, id: string) => ({ createdAt: new Date(ms), id });
const ID_A = '00000000-0000-4000-8000-00000000000a';
const ID_B = '00000000-0000-4000-8000-00000000000b';

describe('keyset pagination', () => {
  it('when there are more rows than the limit, then the page ends with a cursor naming its last row', () => {
    const page = toPage([row(1, ID_A), row(2, ID_B), row(3, ID_B)], 2, (r) => r.id);
    expect(page.items).toEqual([ID_A, ID_B]);
    expect(decodeCursor(page.nextCursor!, 2)).toEqual([new Date(2).toISOString(), ID_B]);
  });

  it('when the rows fit in the page, then there is no next cursor', () => {
    expect(toPage([row(1, ID_A)], 2, (r) => r.id)).toEqual({ items: [ID_A], nextCursor: null });
  });

  it('when a cursor is given, then the next page starts strictly after that row, ties broken by id', () => {
    const cursor = encodeCursor([new Date(5).toISOString(), ID_A]);
    expect(afterCreated(cursor)).toEqual({ OR: [{ createdAt: { gt: new Date(5) } }, { createdAt: new Date(5), id: { gt: ID_A } }] });
    expect(afterCreated(undefined)).toEqual({});
  });

  it.each([
    ['not base64 JSON', 'bm90LWEtY3Vyc29y'],
    ['of another shape', encodeCursor(['only-one'])],
    ['with a bad date', encodeCursor(['yesterday', ID_A])],
    ['with a bad id', encodeCursor([new Date(5).toISOString(), 'x; DROP TABLE'])],
    // Issue 11: dates JavaScript accepts but PostgreSQL refuses (22008 / 22009) were a 500.
    ['with the year 0000', encodeCursor(['0000-01-01T00:00:00.000Z', ID_A])],
    ['with the year -100000', encodeCursor(['-100000-01-01T00:00:00.000Z', ID_A])],
    ['with a NUL in a part', encodeCursor([new Date(5).toISOString(), `${ID_A}\u0000`])],
  ])('when a cursor is %s, then it is refused with CATALOG_INVALID_CURSOR', (_label, cursor) => {
    expect(() => afterCreated(cursor)).toThrow(expect.objectContaining({ code: 'CATALOG_INVALID_CURSOR', status: 400 }));
  });
});
