import pg from 'pg';
import type { SqlClient, TransactionalClient } from '@sva/outbox';

/**
 * A `TransactionalClient` over plain `pg` for the outbox, so the trace test needs no generated
 * Prisma client (the artefact test covers Prisma's spans in a real service).
 */
export function pgSqlClient(url: string, poolMax: number): TransactionalClient & { end(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max: poolMax });
  const on = (query: (text: string, values: unknown[]) => Promise<pg.QueryResult>): SqlClient => ({
    $executeRawUnsafe: async (text, ...values) => (await query(text, values)).rowCount ?? 0,
    $queryRawUnsafe: async <T>(text: string, ...values: unknown[]) => (await query(text, values)).rows as T,
  });
  return {
    ...on((text, values) => pool.query(text, values)),
    async $transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(on((text, values) => client.query(text, values)));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
    end: () => pool.end(),
  };
}
