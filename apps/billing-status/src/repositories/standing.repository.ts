import type { Standing } from '@sva/contracts';
import type { BillingDb, Tx } from '../context.ts';
import type { StandingRecord, StandingVerdict } from '../domain/standing.ts';

/**
 * Set-based reads and writes of `customer_standing` and the invoices it is judged from. Every
 * function takes many customers at once, so that one customer (an invoice fact) and a batch of
 * thousands (the daily evaluation) go through the same code.
 */

interface StandingRow {
  customerId: string;
  standing: string;
  reason: string;
  since: Date;
  version: number;
  overdueInvoiceId: string | null;
  overdueSince: string | null;
  trustUnblockId: string | null;
  trustUntil: Date | null;
  updatedAt: Date;
}

const STANDING_COLUMNS = `customer_id::text AS "customerId", standing, reason, since, version,
  overdue_invoice_id AS "overdueInvoiceId", overdue_since::text AS "overdueSince",
  trust_unblock_id::text AS "trustUnblockId", trust_until AS "trustUntil", updated_at AS "updatedAt"`;

const toRecord = (row: StandingRow): StandingRecord => ({ ...row, standing: row.standing as Standing, version: Number(row.version) });

/**
 * Make sure each customer has a standing row (in good standing, version 0, nothing announced):
 * the row is what `lockStandings` locks, so it must exist before the first fact is applied.
 */
export async function ensureStandings(tx: Tx, customerIds: readonly string[], reason: string, now: Date): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO customer_standing (customer_id, standing, reason, since, version, updated_at)
     SELECT id, 'good', $2, $3::timestamptz, 0, $3::timestamptz FROM unnest($1::uuid[]) AS id
     ON CONFLICT (customer_id) DO NOTHING`,
    customerIds,
    reason,
    now.toISOString(),
  );
}

/**
 * Lock the customers' standing rows for the rest of the transaction (in key order, so that
 * concurrent batches cannot deadlock) and read them. Everything that changes a customer's
 * invoices or standing takes this lock first; reads made after it see every committed change.
 */
export async function lockStandings(tx: Tx, customerIds: readonly string[]): Promise<StandingRecord[]> {
  const rows = await tx.$queryRawUnsafe<StandingRow[]>(
    `SELECT ${STANDING_COLUMNS} FROM customer_standing WHERE customer_id = ANY($1::uuid[]) ORDER BY customer_id FOR UPDATE`,
    customerIds,
  );
  return rows.map(toRecord);
}

/** A customer's stored standing, without locking. */
export async function findStanding(client: BillingDb | Tx, customerId: string): Promise<StandingRecord | null> {
  const rows = await client.$queryRawUnsafe<StandingRow[]>(`SELECT ${STANDING_COLUMNS} FROM customer_standing WHERE customer_id = $1::uuid`, customerId);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Per customer: the oldest open invoice due before `cutoff` (overdue past grace), and how many there are. */
export async function oldestOverdueInvoices(
  tx: Tx,
  customerIds: readonly string[],
  cutoff: string,
): Promise<Map<string, { invoiceId: string; dueDate: string; count: number }>> {
  const rows = await tx.$queryRawUnsafe<Array<{ customerId: string; invoiceId: string; dueDate: string; count: number }>>(
    `SELECT DISTINCT ON (customer_id) customer_id::text AS "customerId", id AS "invoiceId", due_date::text AS "dueDate",
            (count(*) OVER (PARTITION BY customer_id))::int AS count
     FROM invoice
     WHERE customer_id = ANY($1::uuid[]) AND status = 'open' AND due_date < $2::date
     ORDER BY customer_id, due_date, id`,
    customerIds,
    cutoff,
  );
  return new Map(rows.map((row) => [row.customerId, { invoiceId: row.invoiceId, dueDate: row.dueDate, count: Number(row.count) }]));
}

/**
 * Write new standing rows (all columns) in one statement. The rows travel as one JSON parameter:
 * with thousands of rows that is much cheaper than one array parameter per column.
 */
export async function writeStandings(tx: Tx, records: readonly StandingRecord[]): Promise<void> {
  if (records.length === 0) return;
  await tx.$executeRawUnsafe(
    `UPDATE customer_standing s SET standing = u.standing, reason = u.reason, since = u.since, version = u.version,
       overdue_invoice_id = u.overdue_invoice_id, overdue_since = u.overdue_since, trust_unblock_id = u.trust_unblock_id,
       trust_until = u.trust_until, updated_at = u.updated_at
     FROM jsonb_to_recordset($1::jsonb) AS u(customer_id uuid, standing text, reason text, since timestamptz, version int,
       overdue_invoice_id text, overdue_since date, trust_unblock_id uuid, trust_until timestamptz, updated_at timestamptz)
     WHERE s.customer_id = u.customer_id`,
    JSON.stringify(
      records.map((r) => ({
        customer_id: r.customerId,
        standing: r.standing,
        reason: r.reason,
        since: r.since,
        version: r.version,
        overdue_invoice_id: r.overdueInvoiceId,
        overdue_since: r.overdueSince,
        trust_unblock_id: r.trustUnblockId,
        trust_until: r.trustUntil,
        updated_at: r.updatedAt,
      })),
    ),
  );
}

/** Record how trust unblocks ended (`expired` or `settled`), once. */
export async function endTrustUnblocks(tx: Tx, ended: ReadonlyArray<NonNullable<StandingVerdict['trustEnded']>>): Promise<void> {
  if (ended.length === 0) return;
  await tx.$executeRawUnsafe(
    `UPDATE trust_unblock t SET ended_at = u.ended_at, end_reason = u.end_reason
     FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) AS u(id, ended_at, end_reason)
     WHERE t.id = u.id AND t.ended_at IS NULL`,
    ended.map((e) => e.id),
    ended.map((e) => e.at.toISOString()),
    ended.map((e) => e.reason),
  );
}

/**
 * Customers whose standing may differ from a fresh judgement: those with an open invoice overdue
 * past grace (newly crossed, or already delinquent), those delinquent (maybe paid or the grace
 * grew), and those under a trust unblock (maybe run out). Everybody else has nothing overdue
 * and is, and stays, in good standing. Uses the `(status, due_date)` and standing indexes.
 */
export async function evaluationCandidates(client: BillingDb | Tx, cutoff: string): Promise<string[]> {
  const rows = await client.$queryRawUnsafe<Array<{ id: string }>>(
    `SELECT customer_id::text AS id FROM invoice WHERE status = 'open' AND due_date < $1::date
     UNION
     SELECT customer_id::text FROM customer_standing WHERE standing = 'delinquent'
     UNION
     SELECT customer_id::text FROM customer_standing WHERE trust_until IS NOT NULL
     ORDER BY 1`,
    cutoff,
  );
  return rows.map((row) => row.id);
}

/** Customers whose trust unblock has run out (`trust_until` reached) and who were not judged since. */
export async function expiredTrustCustomers(client: BillingDb | Tx, now: Date, limit: number): Promise<string[]> {
  const rows = await client.$queryRawUnsafe<Array<{ id: string }>>(
    `SELECT customer_id::text AS id FROM customer_standing WHERE trust_until <= $1::timestamptz ORDER BY customer_id LIMIT $2`,
    now.toISOString(),
    limit,
  );
  return rows.map((row) => row.id);
}
