import type { SubscriptionsDb, Tx } from '../../context.ts';
import type { BillingLine, Consent, FiscalItem, IntegrationProducts, LineKind, NotBillableReason } from '../domain/billing-lines.ts';
import { Prisma } from '../../generated/prisma/client.ts';

type Db = SubscriptionsDb | Tx;

/**
 * Write lines to `billing_line` in one statement: the rows go as one JSON array parameter that
 * PostgreSQL turns into table rows (`jsonb_populate_recordset`), with no per-row work in the
 * query builder. Keys are the table's column names.
 */
export async function insertLines(tx: Tx, lines: readonly BillingLine[]): Promise<void> {
  if (lines.length === 0) return;
  const rows = lines.map((line) => ({
    id: line.id,
    period: line.period,
    kind: line.kind,
    customer_id: line.customerId,
    customer_code: line.customerCode,
    service_id: line.serviceId,
    attachment_id: line.attachmentId,
    package_id: line.packageId,
    package_description: line.packageDescription,
    package_version: line.packageVersion,
    integration_products: line.integrationProducts,
    period_start: line.periodStart,
    period_end: line.periodEnd,
    days: line.days,
    days_in_period: line.daysInPeriod,
    unit_price_cents: line.unitPriceCents,
    amount_cents: line.amountCents,
    billable: line.billable,
    not_billable_reason: line.notBillableReason,
    fiscal_items: line.fiscalItems,
    consent: line.consent,
    corrects_line_id: line.correctsLineId,
    corrects_period: line.correctsPeriod,
  }));
  await tx.$executeRawUnsafe('INSERT INTO billing_line SELECT * FROM jsonb_populate_recordset(NULL::billing_line, $1::jsonb)', JSON.stringify(rows));
}

/** Which lines of a closed competência to read. */
export interface ClosedLineFilter {
  readonly customerId?: string | undefined;
  readonly serviceId?: string | undefined;
  readonly billable?: boolean | undefined;
  /** R19 report: billable lines stored without a consent. */
  readonly consentMissing?: boolean | undefined;
}

const NIL = '00000000-0000-0000-0000-000000000000';

/** The rows of a closed competência after `cursor`, in (customer, id) order: `select` is what each row gives. */
function closedPage<T>(db: Db, select: Prisma.Sql, period: string, filter: ClosedLineFilter, after: { customerId: string; id: string }, limit: number) {
  return db.$queryRaw<T[]>`
    SELECT ${select} FROM billing_line
     WHERE period = ${period} AND (customer_id, id) > (${after.customerId}::uuid, ${after.id}::uuid)
       AND (${filter.customerId ?? null}::uuid IS NULL OR customer_id = ${filter.customerId ?? null}::uuid)
       AND (${filter.serviceId ?? null}::uuid IS NULL OR service_id = ${filter.serviceId ?? null}::uuid)
       AND (${filter.billable ?? null}::boolean IS NULL OR billable = ${filter.billable ?? null}::boolean)
       AND (NOT ${filter.consentMissing ?? false} OR (billable AND (consent IS NULL OR consent = 'null'::jsonb)))
     -- The table's columns (not the selected text casts of the same names): the index's order.
     ORDER BY billing_line.customer_id, billing_line.id LIMIT ${limit}`;
}

const LINE_COLUMNS = Prisma.sql`id::text, period, kind, customer_id::text, customer_code, service_id::text, attachment_id::text, package_id::text,
  package_description, package_version, integration_products, period_start, period_end, days, days_in_period, unit_price_cents, amount_cents,
  billable, not_billable_reason, fiscal_items, consent, corrects_line_id::text, corrects_period`;

interface RawLine {
  id: string;
  period: string;
  kind: string;
  customer_id: string;
  customer_code: string | null;
  service_id: string;
  attachment_id: string;
  package_id: string;
  package_description: string;
  package_version: number | null;
  integration_products: unknown;
  period_start: string;
  period_end: string;
  days: number;
  days_in_period: number;
  unit_price_cents: number;
  amount_cents: number;
  billable: boolean;
  not_billable_reason: string | null;
  fiscal_items: unknown;
  consent: unknown;
  corrects_line_id: string | null;
  corrects_period: string | null;
}

const fromRawLine = (row: RawLine): BillingLine => ({
  id: row.id,
  period: row.period,
  kind: row.kind as LineKind,
  customerId: row.customer_id,
  customerCode: row.customer_code,
  serviceId: row.service_id,
  attachmentId: row.attachment_id,
  packageId: row.package_id,
  packageDescription: row.package_description,
  packageVersion: row.package_version,
  integrationProducts: row.integration_products as IntegrationProducts[],
  periodStart: row.period_start,
  periodEnd: row.period_end,
  days: row.days,
  daysInPeriod: row.days_in_period,
  unitPriceCents: row.unit_price_cents,
  amountCents: row.amount_cents,
  billable: row.billable,
  notBillableReason: row.not_billable_reason as NotBillableReason | null,
  fiscalItems: row.fiscal_items as FiscalItem[],
  consent: (row.consent as Consent | null) ?? null,
  correctsLineId: row.corrects_line_id,
  correctsPeriod: row.corrects_period,
});

/**
 * R20: what was billed for a closed competência to these customers: its charge lines and the
 * adjustments later months already made to them.
 */
export async function billedLines(db: Db, customerIds: readonly string[], period: string, serviceId: string | undefined): Promise<BillingLine[]> {
  const rows = await db.$queryRaw<RawLine[]>`
    SELECT ${LINE_COLUMNS} FROM billing_line
     WHERE customer_id = ANY(${[...customerIds]}::uuid[]) AND (${serviceId ?? null}::uuid IS NULL OR service_id = ${serviceId ?? null}::uuid)
       AND ((period = ${period} AND kind = 'charge') OR corrects_period = ${period})`;
  return rows.map(fromRawLine);
}

/** The pages of a closed competência's rows after `cursor` (keyset pages of `size`), in (customer, id) order. */
async function* closedPages<T extends { customer_id: string; id: string }>(db: Db, select: Prisma.Sql, period: string, filter: ClosedLineFilter, size: number, cursor?: { customerId: string; id: string }): AsyncGenerator<T[]> {
  let after = cursor ?? { customerId: NIL, id: NIL };
  for (;;) {
    const rows = await closedPage<T>(db, select, period, filter, after, size);
    if (rows.length > 0) yield rows;
    if (rows.length < size) return;
    after = { customerId: rows[rows.length - 1]!.customer_id, id: rows[rows.length - 1]!.id };
  }
}

/** The lines of a closed competência, in (customer, id) order after `cursor`, read in keyset pages of 1,000. */
export async function* closedLines(db: Db, period: string, filter: ClosedLineFilter, cursor?: { customerId: string; id: string }): AsyncGenerator<BillingLine> {
  for await (const rows of closedPages<RawLine>(db, LINE_COLUMNS, period, filter, 1_000, cursor)) for (const row of rows) yield fromRawLine(row);
}

/**
 * A line as its `BillingLineV1` JSON, built by PostgreSQL from the row: the export streams it as
 * it comes, with no parse and stringify per line in the service. Same fields as `BillingLineV1`.
 */
const LINE_JSON = Prisma.sql`customer_id::text, id::text, json_build_object(
  'id', id, 'period', period, 'kind', kind, 'customerId', customer_id, 'customerCode', customer_code, 'serviceId', service_id,
  'attachmentId', attachment_id, 'packageId', package_id, 'packageDescription', package_description, 'packageVersion', package_version,
  'integrationProducts', integration_products, 'periodStart', period_start, 'periodEnd', period_end, 'days', days, 'daysInPeriod', days_in_period,
  'unitPriceCents', unit_price_cents, 'amountCents', amount_cents, 'billable', billable, 'notBillableReason', not_billable_reason,
  'fiscalItems', fiscal_items, 'consent', consent, 'correctsLineId', corrects_line_id, 'correctsPeriod', corrects_period)::text AS json`;

interface LineJson {
  customer_id: string;
  id: string;
  json: string;
}

/** A page of a competência's written lines as `BillingLineV1` JSON texts, after `after`, in (customer, id) order. */
export function lineJsonPage(db: Db, period: string, after: { customerId: string; id: string } | null, limit: number) {
  return closedPage<LineJson>(db, LINE_JSON, period, {}, after ?? { customerId: NIL, id: NIL }, limit);
}

/** Every line of a closed competência as NDJSON, a keyset page (5,000 lines) a chunk, in (customer, id) order. */
export async function* closedLinesNdjson(db: Db, period: string): AsyncGenerator<string> {
  for await (const rows of closedPages<LineJson>(db, LINE_JSON, period, {}, 5_000)) yield `${rows.map((row) => row.json).join('\n')}\n`;
}
