import pg from 'pg';
import type { SqlClient, TransactionalClient } from '../src/index.ts';

/**
 * A `TransactionalClient` over plain `pg`, so the outbox is tested against real PostgreSQL
 * without a service's generated Prisma client (the services' own tests cover the Prisma path).
 */
export function pgClient(url: string, poolMax: number): TransactionalClient & { end(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max: poolMax });
  const on = (run: (text: string, values: unknown[]) => Promise<pg.QueryResult>): SqlClient => ({
    $executeRawUnsafe: async (text, ...values) => (await run(text, values)).rowCount ?? 0,
    $queryRawUnsafe: async <T>(text: string, ...values: unknown[]) => (await run(text, values)).rows as T,
  });
  return {
    ...on((text, values) => pool.query(text, values)),
    async $transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(on((text, values) => client.query(text, values)));
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
