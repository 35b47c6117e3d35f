import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOut, sqlLiteral } from '../src/copy-out.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/embedded.ts';
import { createPgPool } from '../src/prisma.ts';

/** `COPY … TO STDOUT` through `copyOut`, on embedded PGlite (one connection: a leaked one would hang the next query). */
describe('copyOut', () => {
  let embedded: EmbeddedPostgres;
  // One pool for both tests: PGlite drops a connection that comes while another is still closing.
  let pool: pg.Pool;
  beforeAll(async () => {
    embedded = await startEmbeddedPostgres();
    pool = createPgPool({ url: embedded.url, poolMax: embedded.poolMax });
  });
  afterAll(async () => {
    await pool?.end();
    await embedded?.stop();
  });

  const collect = async (chunks: AsyncIterable<Buffer>) => {
    const parts: Buffer[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    return Buffer.concat(parts).toString('utf8');
  };

  it('when a COPY runs, then its bytes come as PostgreSQL wrote them, and the connection goes back to the pool', async () => {
    const name = `o'brien; "quoted"`;
    const text = await collect(copyOut(pool, `COPY (SELECT g, ${sqlLiteral(name)} FROM generate_series(1, 3) g) TO STDOUT WITH (FORMAT csv, DELIMITER ';')`));
    expect(text).toBe(`1;"o'brien; ""quoted"""\n2;"o'brien; ""quoted"""\n3;"o'brien; ""quoted"""\n`);
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(pool.totalCount).toBe(1);
  });

  it('when the reader stops in the middle, or the COPY fails, then the connection goes back in step and the pool still serves', async () => {
    for await (const chunk of copyOut(pool, 'COPY (SELECT repeat(\'x\', 1000) FROM generate_series(1, 100000)) TO STDOUT')) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    expect((await pool.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    await expect(collect(copyOut(pool, 'COPY (SELECT 1 / 0) TO STDOUT'))).rejects.toThrow(/division by zero/);
    expect((await pool.query('SELECT 3 AS three')).rows).toEqual([{ three: 3 }]);
  });
});
