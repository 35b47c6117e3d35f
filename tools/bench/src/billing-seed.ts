import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { EntitlementV1 } from '@sva/contracts';
import type pg from 'pg';

/**
 * Bulk seeding for the billing benchmark, straight into the services' tables (never through their
 * APIs: a million calls would measure the API, not the daily pass). Rows are shaped like the ones
 * the services' own use cases write, so the services run on them unchanged.
 */

/**
 * The customer id both databases use for customer `i`: `md5('bench-customer-' || i)` with the
 * version (4) and variant (8) digits set, so that it is a UUID the contracts accept. PostgreSQL
 * computes the same with `BENCH_CUSTOMER_ID_SQL`.
 */
export function benchCustomerId(i: number): string {
  const md5 = createHash('md5').update(`bench-customer-${i}`).digest('hex');
  const hex = `${md5.slice(0, 12)}4${md5.slice(13, 16)}8${md5.slice(17)}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `YYYY-MM-DD` plus `days`. */
export function shiftDay(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** `benchCustomerId(i)` in SQL, for a column `i`. */
export const BENCH_CUSTOMER_ID_SQL = `overlay(overlay(md5('bench-customer-' || i) placing '4' from 13) placing '8' from 17)::uuid`;

export interface BillingSeed {
  /** Customers, each with a paid invoice and an open one. */
  readonly customers: number;
  /** Every `affectedEvery`-th customer's open invoice reaches the end of its grace period on `day`. */
  readonly affectedEvery: number;
  /** The day the clock stands on when the services start (the pass runs on the day after). */
  readonly day: string;
  readonly graceDays: number;
}

/**
 * billing-status's tables for `customers` customers: per customer a standing row (good, version
 * 0), an invoice paid long ago, and an open invoice with its facts. The open invoice of every
 * `affectedEvery`-th customer is due `graceDays` before `day`: on `day` it is on its last day of
 * grace, the day after it is overdue past grace. Everybody else's is due ten days after `day`.
 * Generated server-side (`generate_series`) in a few statements.
 */
export async function seedBilling(client: pg.Client, seed: BillingSeed): Promise<{ invoices: number; facts: number }> {
  const { customers, affectedEvery, day, graceDays } = seed;
  const t = (offsetDays: number) => `${shiftDay(day, offsetDays)}T12:00:00.000Z`;
  const customer = BENCH_CUSTOMER_ID_SQL;
  const series = `generate_series(0, ${customers - 1}) AS i`;
  await client.query('SET synchronous_commit = off');
  await client.query(
    `INSERT INTO customer_standing (customer_id, standing, reason, since, version, updated_at)
     SELECT ${customer}, 'good', $1, $2::timestamptz, 0, $2::timestamptz FROM ${series}`,
    [`no invoice overdue past the ${graceDays}-day grace period`, t(-60)],
  );
  // The paid invoice: issued 45 days before, due 35 before, paid 33 before `day`.
  await client.query(
    `INSERT INTO invoice (id, customer_id, status, amount_cents, due_date, due_date_set_at, issued_at, paid_on, paid_at, updated_at)
     SELECT 'A-' || i, ${customer}, 'paid', 9990, $1::date, $2::timestamptz, $2::timestamptz, $3::date, $4::timestamptz, $4::timestamptz FROM ${series}`,
    [shiftDay(day, -35), t(-45), shiftDay(day, -33), t(-33)],
  );
  // The open invoice, issued 10 days before its due date.
  await client.query(
    `INSERT INTO invoice (id, customer_id, status, amount_cents, due_date, due_date_set_at, issued_at, updated_at)
     SELECT 'B-' || i, ${customer}, 'open', 9990, d, (d - 10)::timestamptz + interval '12 hours', (d - 10)::timestamptz + interval '12 hours', (d - 10)::timestamptz + interval '12 hours'
     FROM (SELECT i, CASE WHEN i % $1 = 0 THEN $2::date ELSE $3::date END AS d FROM ${series}) AS s`,
    [affectedEvery, shiftDay(day, -graceDays), shiftDay(day, 10)],
  );
  // Their facts, as the use case records them (payload = the normalised contract).
  const fact = (invoice: string, kind: string, at: string, extra: string) =>
    `SELECT ${invoice}, '${kind}', ${at}, jsonb_build_object('fact', '${kind}', 'invoiceId', ${invoice}, 'customerId', ${customer}::text, 'occurredAt', to_char(${at} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')${extra}), 'bus', ${at}`;
  await client.query(
    `INSERT INTO invoice_fact (invoice_id, fact, occurred_at, payload, source, received_at)
     ${fact(`'A-' || i`, 'issued', `$1::timestamptz`, `, 'amountCents', 9990, 'dueDate', $2::text`)} FROM ${series}
     UNION ALL ${fact(`'A-' || i`, 'paid', `$3::timestamptz`, `, 'paidOn', $4::text`)} FROM ${series}`,
    [t(-45), shiftDay(day, -35), t(-33), shiftDay(day, -33)],
  );
  await client.query(
    `INSERT INTO invoice_fact (invoice_id, fact, occurred_at, payload, source, received_at)
     SELECT id, 'issued', issued_at, jsonb_build_object('fact', 'issued', 'invoiceId', id, 'customerId', customer_id::text, 'amountCents', amount_cents,
       'dueDate', due_date::text, 'occurredAt', to_char(issued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')), 'bus', issued_at
     FROM invoice WHERE id LIKE 'B-%'`,
  );
  await client.query('ANALYZE');
  return { invoices: customers * 2, facts: customers * 3 };
}

/** What the benchmark seeds into subscriptions: one integration syncing subscription status, one package granting `mumo`. */
export interface SubscriptionsSeed {
  readonly customerIndexes: readonly number[];
  readonly integrationId: string;
  readonly packageId: string;
  /** `LOGIN_HASH_KEY`, shared with the gateway. */
  readonly loginHashKey: string;
  readonly at: Date;
}

/** A valid CPF (check digits per the Receita Federal rule) from a 9-digit base. */
export function cpfFromBase(base: number): string {
  const digits = String(base).padStart(9, '0').split('').map(Number);
  for (const length of [9, 10]) {
    const sum = digits.slice(0, length).reduce((total, digit, index) => total + digit * (length + 1 - index), 0);
    const rest = (sum * 10) % 11;
    digits.push(rest === 10 ? 0 : rest);
  }
  return digits.join('');
}

const hmac = (key: string, text: string) => createHmac('sha256', key).update(text).digest('base64url');

/**
 * subscriptions's tables for the affected customers, as its use cases leave them after "create a
 * customer with a CPF, add an enabled service, attach the package" on an integration logging in
 * by CPF: customer, service, attachment, subscriber id (R13) and the published entitlement
 * record (version 1, `mumo` active). Login keys follow `libs/contracts/src/login-keys.ts`.
 * Returns the subscriber id of each customer, in order.
 */
export async function seedSubscriptions(client: pg.Client, seed: SubscriptionsSeed): Promise<string[]> {
  const { integrationId, packageId, loginHashKey, at } = seed;
  await client.query('SET synchronous_commit = off');
  await client.query(
    `INSERT INTO known_integration (id, login_field, single_package, sync_subscription_status, active, version) VALUES ($1, 'cpf_cnpj', false, true, true, 1)`,
    [integrationId],
  );
  await client.query(`INSERT INTO known_package (id, description, price_cents, active, grants, version) VALUES ($1, 'Música', 1990, true, $2::jsonb, 1)`, [
    packageId,
    JSON.stringify([{ integrationId, productCodes: ['mumo'] }]),
  ]);
  const subscriberIds: string[] = [];
  const chunk = 10_000;
  for (let start = 0; start < seed.customerIndexes.length; start += chunk) {
    const rows = seed.customerIndexes.slice(start, start + chunk).map((i) => {
      const cpf = cpfFromBase(100_000_000 + i);
      // As libs/contracts/src/login-keys.ts defines them: the verifier bound to its login key.
      const key = hmac(loginHashKey, `cpf_cnpj:${cpf}`);
      const login = { key, verifier: `b1.${hmac(loginHashKey, `pwk:${key}:${hmac(loginHashKey, `pw:${cpf}`)}`)}` };
      const customerId = benchCustomerId(i);
      const subscriberId = randomBytes(16).toString('base64url');
      const record: EntitlementV1 = {
        integrationId,
        customerId,
        subscriberId,
        version: 1,
        status: 'active',
        logins: [login],
        grants: [{ product: 'mumo', state: 'active' }],
        changedAt: at.toISOString(),
      };
      return {
        customerId,
        name: `Bench customer ${i}`,
        login,
        masked: `***.${cpf.slice(3, 6)}.${cpf.slice(6, 9)}-**`,
        serviceId: randomUUID(),
        attachmentId: randomUUID(),
        subscriberId,
        record: JSON.stringify(record),
      };
    });
    subscriberIds.push(...rows.map((row) => row.subscriberId));
    const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((row) => row[key]);
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO customer (id, name, document_type, document_key, document_verifier, document_masked, created_at, updated_at)
       SELECT id, name, 'cpf', key, verifier, masked, $6, $6 FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(id, name, key, verifier, masked)`,
      [column('customerId'), column('name'), rows.map((r) => r.login.key), rows.map((r) => r.login.verifier), column('masked'), at],
    );
    await client.query(
      `INSERT INTO customer_service (id, customer_id, status, created_at, updated_at)
       SELECT id, customer_id, 'enabled', $3, $3 FROM unnest($1::uuid[], $2::uuid[]) AS u(id, customer_id)`,
      [column('serviceId'), column('customerId'), at],
    );
    await client.query(
      `INSERT INTO service_package (id, service_id, package_id, price_cents, attached_at)
       SELECT id, service_id, $3, 1990, $4 FROM unnest($1::uuid[], $2::uuid[]) AS u(id, service_id)`,
      [column('attachmentId'), column('serviceId'), packageId, at],
    );
    await client.query(
      `INSERT INTO subscriber (integration_id, customer_id, subscriber_id, created_at)
       SELECT $3, customer_id, subscriber_id, $4 FROM unnest($1::uuid[], $2::text[]) AS u(customer_id, subscriber_id)`,
      [column('customerId'), column('subscriberId'), integrationId, at],
    );
    await client.query(
      `INSERT INTO entitlement (integration_id, customer_id, version, record, updated_at)
       SELECT $3, customer_id, 1, record, $4 FROM unnest($1::uuid[], $2::jsonb[]) AS u(customer_id, record)`,
      [column('customerId'), column('record'), integrationId, at],
    );
    await client.query('COMMIT');
  }
  await client.query('ANALYZE');
  return subscriberIds;
}
