import { BOUND_VERIFIER_PREFIX, keyIdPrefix } from '@sva/contracts';
import type pg from 'pg';

/**
 * Bulk seeding for the billing-close benchmark (issue 14, R18–R20): subscriptions's tables as its
 * use cases leave them after a month of selling, straight in SQL (`generate_series`, a few
 * statements), never through the API. Per customer one enabled service with:
 *
 * - package A (R$ 19,90, fiscal composition SVA 60 % / SCM 40 %) since before the month: a full line;
 * - every 4th: package B (R$ 29,90) attached mid-month (prorated), every 8th with its price
 *   overridden to R$ 24,90 (R7);
 * - every 10th: trial package C (R$ 14,90) with a 7-day trial that ended and was removed (R11: not
 *   billable);
 * - every 20th: benefit D (R$ 0,00, not billable);
 * - every 50th: the service suspended at the customer's request from the 20th (those days not billable).
 *
 * with the history entries the use cases write (service created, package attached with its price,
 * status changed) and, for paid packages attached by an operator, the customer's consent (R19).
 */
export interface CloseSeed {
  readonly customers: number;
  /** The competência the lines are for, `YYYY-MM`; services are created the month before. */
  readonly period: string;
  /** The key id of the service's LOGIN_HASH_KEY (`loginKeyId`). */
  readonly loginKeyId: string;
}

export interface SeededPackages {
  readonly full: string;
  readonly midMonth: string;
  readonly trial: string;
  readonly benefit: string;
}

/** A deterministic UUID (v4 shape) per `tag` and row number `i`, in SQL. */
const idSql = (tag: string) => `overlay(overlay(md5('${tag}-' || i) placing '4' from 13) placing '8' from 17)::uuid`;

export const packageIds: SeededPackages = {
  full: '0b1c2d3e-0000-4000-8000-00000000000a',
  midMonth: '0b1c2d3e-0000-4000-8000-00000000000b',
  trial: '0b1c2d3e-0000-4000-8000-00000000000c',
  benefit: '0b1c2d3e-0000-4000-8000-00000000000d',
};

/**
 * How many lines the seed gives for the competência: one per attachment alive in it, and a second
 * (not billable, from the 20th) for each attachment of a service suspended at the customer's
 * request that is still held then (A, and B and D where the customer has them; C's trial ended).
 */
export function expectedLines(customers: number): number {
  const every = (n: number) => Math.floor((customers - 1) / n) + 1;
  return customers + every(4) + every(10) + every(20) + every(50) + 2 * every(100);
}

/** `YYYY-MM` plus `months`. */
function addMonths(period: string, months: number): string {
  const d = new Date(`${period}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 7);
}

export async function seedClose(client: pg.Client, seed: CloseSeed): Promise<{ services: number; attachments: number; historyEntries: number }> {
  const { customers, period } = seed;
  const before = `${addMonths(period, -1)}-01T12:00:00Z`;
  const day = (n: number, hour = 15) => `${period}-${String(n).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;
  const integrationId = '0b1c2d3e-0000-4000-8000-0000000000f1';
  const series = `generate_series(0, ${customers - 1}) AS i`;
  const q = (sql: string, values: unknown[] = []) => client.query(sql, values);
  await q('SET synchronous_commit = off');
  const composition = (cents: number) => JSON.stringify([
    { kind: 'sva', serviceCode: '0107', amountCents: Math.round(cents * 0.6) },
    { kind: 'scm', serviceCode: '0104', amountCents: cents - Math.round(cents * 0.6) },
  ]);
  const grants = (product: string) => JSON.stringify([{ integrationId, productCodes: [product] }]);
  await q(
    `INSERT INTO known_package (id, description, price_cents, active, grants, fiscal_composition, version) VALUES
       ($1, 'Música (Mumo)', 1990, true, $5::jsonb, $9::jsonb, 3),
       ($2, 'Leitura (Skeelo)', 2990, true, $6::jsonb, $10::jsonb, 1),
       ($3, 'Vídeo (trial)', 1490, true, $7::jsonb, $11::jsonb, 1),
       ($4, 'Benefício Kids', 0, true, $8::jsonb, '[]'::jsonb, 1)`,
    [packageIds.full, packageIds.midMonth, packageIds.trial, packageIds.benefit, grants('mumo'), grants('skeelo'), grants('video'), grants('kids'), composition(1990), composition(2990), composition(1490)],
  );
  // Login columns in the form the current key writes them (key id prefix, bound verifier, sealed
  // document), so that the service's start-up walks (rebind, re-key) have nothing to do: they
  // would otherwise run over every customer during the close, which no running system does.
  const key = keyIdPrefix(seed.loginKeyId);
  await q(
    `INSERT INTO customer (id, name, document_type, document_key, document_verifier, document_sealed, document_masked, code, created_at, updated_at)
     SELECT ${idSql('c')}, 'Cliente ' || i, 'cpf', $2 || 'key' || i, $2 || $3 || i, $4 || i, '***.000.000-**', 'C' || i, $1::timestamptz, $1::timestamptz FROM ${series}`,
    [before, key, BOUND_VERIFIER_PREFIX, `s1.${seed.loginKeyId}.`],
  );
  await q(
    `INSERT INTO customer_service (id, customer_id, status, created_at, updated_at)
     SELECT ${idSql('s')}, ${idSql('c')}, CASE WHEN i % 50 = 0 THEN 'suspended_request' ELSE 'enabled' END, $1::timestamptz, $1::timestamptz FROM ${series}`,
    [before],
  );
  const consent = `'customer', 'phone', attached, 'bench', 'protocolo ' || i`;
  const attach = (tag: string, where: string, packageId: string, price: string, overridden: string, attached: string, trialEnds: string, detached: string, reason: string, consented: boolean) =>
    q(
      `INSERT INTO service_package (id, service_id, package_id, price_cents, price_overridden, trial_ends_at, attached_at, detached_at, detach_reason,
         consent_source, consent_channel, consent_at, consent_by, consent_reference)
       SELECT ${idSql(tag)}, ${idSql('s')}, '${packageId}', ${price}, ${overridden}, ${trialEnds}, attached, ${detached}, ${reason},
         ${consented ? consent : 'NULL, NULL, NULL, NULL, NULL'}
       FROM (SELECT i, ${attached}::timestamptz AS attached FROM ${series}) AS s WHERE ${where}`,
    );
  await attach('pa', 'true', packageIds.full, '1990', 'false', `'${before}'`, 'NULL', 'NULL', 'NULL', true);
  await attach('pb', 'i % 4 = 0', packageIds.midMonth, 'CASE WHEN i % 8 = 0 THEN 2490 ELSE 2990 END', 'i % 8 = 0', `'${day(16)}'`, 'NULL', 'NULL', 'NULL', true);
  await attach('pc', 'i % 10 = 0', packageIds.trial, '1490', 'false', `'${day(5)}'`, `'${day(12)}'::timestamptz`, `'${day(12)}'::timestamptz`, `'trial_ended'`, true);
  await attach('pd', 'i % 20 = 0', packageIds.benefit, '0', 'false', `'${before}'`, 'NULL', 'NULL', 'NULL', false);
  // The history the use cases write: service created, each attachment with its price, the status change.
  await q(
    `INSERT INTO history_entry (customer_id, service_id, action, new_status, actor, at)
     SELECT ${idSql('c')}, ${idSql('s')}, 'service_created', 'enabled', 'bench', $1::timestamptz FROM ${series}`,
    [before],
  );
  await q(
    `INSERT INTO history_entry (customer_id, service_id, attachment_id, package_id, action, new_price_cents, actor, at)
     SELECT s.customer_id, p.service_id, p.id, p.package_id, 'package_attached', p.price_cents, 'bench', p.attached_at
     FROM service_package p JOIN customer_service s ON s.id = p.service_id`,
  );
  await q(
    `INSERT INTO history_entry (customer_id, service_id, action, old_status, new_status, actor, at)
     SELECT customer_id, id, 'status_changed', 'enabled', 'suspended_request', 'bench', $1::timestamptz FROM customer_service WHERE status = 'suspended_request'`,
    [day(20, 13)],
  );
  await q('ANALYZE');
  const count = async (table: string) => Number((await q(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);
  return { services: await count('customer_service'), attachments: await count('service_package'), historyEntries: await count('history_entry') };
}
