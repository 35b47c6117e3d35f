import pg from 'pg';

/**
 * The slice of a Prisma client (or an interactive transaction) that raw-SQL code such as the outbox
 * needs. Every service has its own generated client; all of them fit this shape.
 */
export interface SqlClient {
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

/** A client that can open interactive transactions. */
export interface TransactionalClient extends SqlClient {
  $transaction<R>(fn: (tx: SqlClient) => Promise<R>, options?: { timeout?: number; maxWait?: number }): Promise<R>;
}

/**
 * A `TransactionalClient` over plain `pg`, for code that needs the shape without a service's
 * generated Prisma client: the outbox's own tests, the trace test, the benchmarks. An idle
 * connection the server drops (a scratch database going away) is not a process failure.
 */
export function pgSqlClient(url: string, poolMax: number): TransactionalClient & { end(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max: poolMax });
  pool.on('error', () => undefined);
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
