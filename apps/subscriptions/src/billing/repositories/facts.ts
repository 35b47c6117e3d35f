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
  // Walks customer_service in customer order (its index) and stops after `limit`: every batch
  // costs the same however far the walk is (no join of all attachments per batch).
  const rows = await db.$queryRaw<{ customer_id: string }[]>`
    SELECT s.customer_id::text AS customer_id FROM customer_service s
     WHERE (${afterCustomerId}::uuid IS NULL OR s.customer_id > ${afterCustomerId}::uuid)
       AND (${filter.customerId ?? null}::uuid IS NULL OR s.customer_id = ${filter.customerId ?? null}::uuid)
       AND (${filter.serviceId ?? null}::uuid IS NULL OR s.id = ${filter.serviceId ?? null}::uuid)
       AND EXISTS (SELECT 1 FROM service_package p WHERE p.service_id = s.id
                    AND p.attached_at < ${new Date(to.getTime() + margin)} AND (p.detached_at IS NULL OR p.detached_at >= ${new Date(from.getTime() - margin)}))
     GROUP BY s.customer_id ORDER BY s.customer_id LIMIT ${limit}`;
  return rows.map((row) => row.customer_id);
}

interface AttachmentRow {
  id: string;
  service_id: string;
  customer_id: string;
  service_created_at: Date;
  customer_code: string | null;
  package_id: string;
  price_cents: number;
  attached_at: Date;
  detached_at: Date | null;
  trial_ends_at: Date | null;
  from_plan: boolean;
  consent_source: string | null;
  consent_channel: string | null;
  consent_at: Date | null;
  consent_by: string | null;
  consent_reference: string | null;
}

interface HistoryRow {
  service_id: string | null;
  attachment_id: string | null;
  action: string;
  new_status: string | null;
  new_price_cents: number | null;
  at: Date;
}

interface KnownPackageRow {
  id: string;
  description: string;
  version: number;
  grants: unknown;
  fiscal_composition: unknown;
}

/**
 * Everything that decides the lines of these customers' attachments (R18): lives, prices,
 * statuses, compositions, consents. Three plain SQL reads per batch (attachments, their history
 * by customer — `history_entry` is indexed by customer —, the packages), no per-row work in the
 * query builder: the close reads a million customers through here.
 */
export async function attachmentFacts(db: Db, customerIds: readonly string[], filter: FactsFilter): Promise<AttachmentFacts[]> {
  if (customerIds.length === 0) return [];
  const ids = [...customerIds];
  const serviceId = filter.serviceId ?? null;
  const attachments = await db.$queryRaw<AttachmentRow[]>`
    SELECT p.id::text, s.id::text AS service_id, s.customer_id::text, s.created_at AS service_created_at, c.code AS customer_code,
           p.package_id::text, p.price_cents, p.attached_at, p.detached_at, p.trial_ends_at, p.from_plan,
           p.consent_source, p.consent_channel, p.consent_at, p.consent_by, p.consent_reference
      FROM customer_service s JOIN customer c ON c.id = s.customer_id JOIN service_package p ON p.service_id = s.id
     WHERE s.customer_id = ANY(${ids}::uuid[]) AND (${serviceId}::uuid IS NULL OR s.id = ${serviceId}::uuid)`;
  if (attachments.length === 0) return [];
  const history = await db.$queryRaw<HistoryRow[]>`
    SELECT service_id::text, attachment_id::text, action, new_status, new_price_cents, at FROM history_entry
     WHERE customer_id = ANY(${ids}::uuid[]) AND (${serviceId}::uuid IS NULL OR service_id = ${serviceId}::uuid)
       AND action IN ('service_created', 'status_changed', 'package_attached', 'price_changed')
     ORDER BY at, id`;
  const statuses = new Map<string, Timed<ServiceStatus>[]>();
  const prices = new Map<string, Timed<number>[]>();
  const push = <T>(map: Map<string, Timed<T>[]>, key: string, entry: Timed<T>) => {
    const list = map.get(key);
    if (list) list.push(entry);
    else map.set(key, [entry]);
  };
  for (const entry of history) {
    if ((entry.action === 'service_created' || entry.action === 'status_changed') && entry.service_id && entry.new_status) {
      push(statuses, entry.service_id, { at: entry.at, value: entry.new_status as ServiceStatus });
    } else if ((entry.action === 'package_attached' || entry.action === 'price_changed') && entry.attachment_id && entry.new_price_cents !== null) {
      push(prices, entry.attachment_id, { at: entry.at, value: entry.new_price_cents });
    }
  }
  const packageIds = [...new Set(attachments.map((row) => row.package_id))];
  const known = new Map(
    (await db.$queryRaw<KnownPackageRow[]>`SELECT id::text, description, version, grants, fiscal_composition FROM known_package WHERE id = ANY(${packageIds}::uuid[])`).map((row) => [
      row.id,
      {
        ...row,
        composition: ((row.fiscal_composition as { kind: string; serviceCode: string; amountCents: number }[] | null) ?? []).map(
          (c): FiscalShare => ({ kind: c.kind, serviceCode: c.serviceCode, weightCents: c.amountCents }),
        ),
      },
    ]),
  );
  return attachments.map((row): AttachmentFacts => {
    const pkg = known.get(row.package_id);
    return {
      attachmentId: row.id,
      customerId: row.customer_id,
      customerCode: row.customer_code,
      serviceId: row.service_id,
      packageId: row.package_id,
      packageDescription: pkg?.description ?? row.package_id,
      packageVersion: pkg?.version ?? null,
      integrationProducts: (pkg?.grants as IntegrationProducts[] | undefined) ?? [],
      attachedAt: row.attached_at,
      detachedAt: row.detached_at,
      trialEndsAt: row.trial_ends_at,
      // Rows attached by the plan at service creation may have no price entry: their price then is the row's.
      prices: prices.get(row.id) ?? [{ at: row.attached_at, value: row.price_cents }],
      statuses: statuses.get(row.service_id) ?? [{ at: row.service_created_at, value: 'enabled' }],
      composition: pkg?.composition ?? [],
      consent: consentOf({
        consentSource: row.consent_source,
        consentChannel: row.consent_channel,
        consentAt: row.consent_at,
        consentBy: row.consent_by,
        consentReference: row.consent_reference,
        fromPlan: row.from_plan,
        attachedAt: row.attached_at,
      }),
    };
  });
}
