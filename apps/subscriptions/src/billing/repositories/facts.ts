import type { Tx } from '../../context.ts';
import type { SubscriptionsDb } from '../../context.ts';
import type { ServiceStatus } from '../../domain/service-status.ts';
import type { AttachmentFacts, FiscalShare, IntegrationProducts, Timed } from '../domain/billing-lines.ts';
import { consentOf } from './consent-columns.ts';

type Db = SubscriptionsDb | Tx;

/** Which customers a computation covers. */
export interface FactsFilter {
  readonly customerId?: string | undefined;
  readonly serviceId?: string | undefined;
}

/**
 * The next `limit` customers (by id, after `afterCustomerId`) holding an attachment whose life
 * overlaps `[from, to)`. A day of margin on each side covers any time zone; the domain then
 * judges each local day exactly.
 */
export async function customersHolding(db: Db, from: Date, to: Date, filter: FactsFilter, afterCustomerId: string | null, limit: number): Promise<string[]> {
  const margin = 86_400_000;
  const rows = await db.$queryRaw<{ customer_id: string }[]>`
    SELECT DISTINCT s.customer_id::text AS customer_id FROM service_package p JOIN customer_service s ON s.id = p.service_id
    WHERE p.attached_at < ${new Date(to.getTime() + margin)} AND (p.detached_at IS NULL OR p.detached_at >= ${new Date(from.getTime() - margin)})
      AND (${filter.customerId ?? null}::uuid IS NULL OR s.customer_id = ${filter.customerId ?? null}::uuid)
      AND (${filter.serviceId ?? null}::uuid IS NULL OR s.id = ${filter.serviceId ?? null}::uuid)
      AND (${afterCustomerId}::uuid IS NULL OR s.customer_id > ${afterCustomerId}::uuid)
    ORDER BY 1 LIMIT ${limit}`;
  return rows.map((row) => row.customer_id);
}

/** Everything that decides the lines of these customers' attachments (R18): lives, prices, statuses, compositions, consents. */
export async function attachmentFacts(db: Db, customerIds: readonly string[], filter: FactsFilter): Promise<AttachmentFacts[]> {
  if (customerIds.length === 0) return [];
  const services = await db.customerService.findMany({
    where: { customerId: { in: [...customerIds] }, ...(filter.serviceId ? { id: filter.serviceId } : {}) },
    select: { id: true, customerId: true, createdAt: true, customer: { select: { code: true } }, packages: true },
  });
  // By customer: history_entry is indexed by (customer_id, id), not by service.
  const history = await db.historyEntry.findMany({
    where: { customerId: { in: [...customerIds] }, ...(filter.serviceId ? { serviceId: filter.serviceId } : {}), action: { in: ['service_created', 'status_changed', 'package_attached', 'price_changed'] } },
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
    select: { serviceId: true, attachmentId: true, action: true, newStatus: true, newPriceCents: true, at: true },
  });
  const statuses = new Map<string, Timed<ServiceStatus>[]>();
  const prices = new Map<string, Timed<number>[]>();
  for (const entry of history) {
    if ((entry.action === 'service_created' || entry.action === 'status_changed') && entry.serviceId && entry.newStatus) {
      const list = statuses.get(entry.serviceId) ?? [];
      list.push({ at: entry.at, value: entry.newStatus as ServiceStatus });
      statuses.set(entry.serviceId, list);
    } else if ((entry.action === 'package_attached' || entry.action === 'price_changed') && entry.attachmentId && entry.newPriceCents !== null) {
      const list = prices.get(entry.attachmentId) ?? [];
      list.push({ at: entry.at, value: entry.newPriceCents });
      prices.set(entry.attachmentId, list);
    }
  }
  const packageIds = [...new Set(services.flatMap((s) => s.packages.map((p) => p.packageId)))];
  const known = new Map((await db.knownPackage.findMany({ where: { id: { in: packageIds } } })).map((p) => [p.id, p]));
  return services.flatMap((service) =>
    service.packages.map((row): AttachmentFacts => {
      const pkg = known.get(row.packageId);
      // Rows attached by the plan at service creation may have no price entry: their price then is the row's.
      const timeline = prices.get(row.id) ?? [{ at: row.attachedAt, value: row.priceCents }];
      return {
        attachmentId: row.id,
        customerId: service.customerId,
        customerCode: service.customer.code,
        serviceId: service.id,
        packageId: row.packageId,
        packageDescription: pkg?.description ?? row.packageId,
        packageVersion: pkg?.version ?? null,
        integrationProducts: (pkg?.grants as IntegrationProducts[] | undefined) ?? [],
        attachedAt: row.attachedAt,
        detachedAt: row.detachedAt,
        trialEndsAt: row.trialEndsAt,
        prices: timeline,
        statuses: statuses.get(service.id) ?? [{ at: service.createdAt, value: 'enabled' }],
        composition: ((pkg?.fiscalComposition as { kind: string; serviceCode: string; amountCents: number }[] | undefined) ?? []).map(
          (c): FiscalShare => ({ kind: c.kind, serviceCode: c.serviceCode, weightCents: c.amountCents }),
        ),
        consent: consentOf(row),
      };
    }),
  );
}
