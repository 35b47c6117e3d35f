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

type LineRow = Awaited<ReturnType<Db['billingLine']['findFirstOrThrow']>>;

export function fromLineRow(row: LineRow): BillingLine {
  return {
    ...row,
    kind: row.kind as LineKind,
    notBillableReason: row.notBillableReason as NotBillableReason | null,
    integrationProducts: row.integrationProducts as unknown as IntegrationProducts[],
    fiscalItems: row.fiscalItems as unknown as FiscalItem[],
    consent: (row.consent as unknown as Consent | null) ?? null,
  };
}

/** The lines of a closed competência, in (customer, id) order after `cursor`, read in pages of 1,000. */
export async function* closedLines(
  db: Db,
  period: string,
  filter: { customerId?: string | undefined; serviceId?: string | undefined; billable?: boolean | undefined; consentMissing?: boolean | undefined },
  cursor?: { customerId: string; id: string },
): AsyncGenerator<BillingLine> {
  let after = cursor;
  for (;;) {
    const rows = await db.billingLine.findMany({
      where: {
        period,
        ...(filter.customerId ? { customerId: filter.customerId } : {}),
        ...(filter.serviceId ? { serviceId: filter.serviceId } : {}),
        ...(filter.billable !== undefined ? { billable: filter.billable } : {}),
        // R19 report: billable lines stored without a consent.
        ...(filter.consentMissing ? { billable: true, consent: { equals: Prisma.AnyNull } } : {}),
        ...(after ? { OR: [{ customerId: { gt: after.customerId } }, { customerId: after.customerId, id: { gt: after.id } }] } : {}),
      },
      orderBy: [{ customerId: 'asc' }, { id: 'asc' }],
      take: 1_000,
    });
    for (const row of rows) yield fromLineRow(row);
    if (rows.length < 1_000) return;
    const last = rows[rows.length - 1]!;
    after = { customerId: last.customerId, id: last.id };
  }
}
