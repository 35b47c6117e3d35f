import type { SubscriptionsDb, Tx } from '../../context.ts';
import type { BillingLine, Consent, FiscalItem, IntegrationProducts, LineKind, NotBillableReason } from '../domain/billing-lines.ts';
import { Prisma } from '../../generated/prisma/client.ts';

type Db = SubscriptionsDb | Tx;

/** A line as a `billing_line` row. */
export function toLineRow(line: BillingLine): Prisma.BillingLineCreateManyInput {
  return {
    ...line,
    integrationProducts: line.integrationProducts as unknown as Prisma.InputJsonValue,
    fiscalItems: line.fiscalItems as unknown as Prisma.InputJsonValue,
    consent: (line.consent ?? undefined) as unknown as Prisma.InputJsonValue | undefined,
  };
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
