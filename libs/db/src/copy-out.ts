import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';

/**
 * The bytes PostgreSQL writes for `COPY (…) TO STDOUT …`, as they come, on a connection of
 * `pool` held until the last one (pg-copy-streams). No row is parsed in this process: what
 * PostgreSQL formats (CSV, or a text column per line) goes out as it is.
 *
 * A reader that stops early (a client that went away) leaves the rest of the COPY read and
 * dropped before the connection goes back to the pool: closing it instead would leave embedded
 * PGlite, which serves one connection at a time, still busy with it when the next one comes.
 * A failed COPY leaves the connection in step (the server ends the COPY with its error).
 *
 * COPY takes no bind parameters: a value `copySql` holds is quoted with `sqlLiteral`.
 */
export async function* copyOut(pool: pg.Pool, copySql: string): AsyncGenerator<Buffer> {
  const client = await pool.connect();
  const stream = client.query(copyTo(copySql));
  let inStep = false;
  let failed = false;
  try {
    for await (const chunk of stream.iterator({ destroyOnReturn: false })) yield chunk as Buffer;
    inStep = true;
  } catch (error) {
    failed = true;
    // An error of the server's (it has an SQLSTATE) ends the COPY in step; any other, the connection.
    inStep = typeof (error as { code?: unknown }).code === 'string';
    throw error;
  } finally {
    if (!inStep && !failed) {
      try {
        for await (const _ of stream) void _;
        inStep = true;
      } catch {
        inStep = false;
      }
    }
    client.release(inStep ? undefined : true);
  }
}

/** A value as a quoted SQL literal (`pg`'s `escapeLiteral`), for the statements that take no parameters (COPY). */
export const sqlLiteral: (value: string) => string = pg.escapeLiteral;
