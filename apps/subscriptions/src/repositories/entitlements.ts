import { buckets, entitlementKey, EntitlementV1, type LoginField } from '@sva/contracts';
import { enqueue } from '@sva/outbox';
import type { SubscriptionsContext, Tx } from '../context.ts';
import { computeEntitlement, sameEntitlement, toEntitlementRecord, type CustomerSnapshot, type IntegrationTerms } from '../domain/entitlement.ts';
import type { ServiceStatus } from '../domain/service-status.ts';
import { grantsOf } from './catalog-replica.ts';

/**
 * Lock a customer for the rest of the transaction. Every change that can affect a customer's
 * entitlements takes this lock first, so entitlement versions stay monotonic and rules that
 * look across the customer's services (R10) cannot be raced.
 */
export async function lockCustomer(tx: Tx, customerId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<unknown[]>`SELECT 1 FROM customer WHERE id = ${customerId}::uuid FOR UPDATE`;
  return rows.length > 0;
}

/** Load what entitlements are computed from: the customer, every service and every attachment ever. */
export async function customerSnapshot(tx: Tx, customerId: string): Promise<{ snapshot: CustomerSnapshot; packageGrants: Map<string, Map<string, string[]>> }> {
  const customer = await tx.customer.findUniqueOrThrow({
    where: { id: customerId },
    include: { services: { include: { packages: true }, orderBy: { createdAt: 'asc' } } },
  });
  const packageIds = [...new Set(customer.services.flatMap((s) => s.packages.map((p) => p.packageId)))];
  const known = await tx.knownPackage.findMany({ where: { id: { in: packageIds } } });
  // packageId → integrationId → product codes
  const packageGrants = new Map(known.map((pkg) => [pkg.id, new Map(grantsOf(pkg).map((g) => [g.integrationId, [...g.productCodes]]))]));
  const snapshot: CustomerSnapshot = {
    id: customer.id,
    document: { key: customer.documentKey, verifier: customer.documentVerifier },
    email: customer.email,
    code: customer.code,
    delinquent: customer.delinquent,
    services: customer.services.map((service) => ({
      id: service.id,
      status: service.status as ServiceStatus,
      login: service.authLoginKey && service.authPasswordVerifier ? { key: service.authLoginKey, verifier: service.authPasswordVerifier } : null,
      packages: service.packages.map((held) => ({
        attachmentId: held.id,
        packageId: held.packageId,
        products: [],
        trialEndsAt: held.trialEndsAt,
        detachedAt: held.detachedAt,
        detachReason: held.detachReason as 'trial_ended' | 'detached' | 'service_cancelled' | null,
      })),
    })),
  };
  return { snapshot, packageGrants };
}

/** The snapshot as seen from one integration: each held package reduced to the products it grants there. */
function forIntegration(snapshot: CustomerSnapshot, packageGrants: Map<string, Map<string, string[]>>, integrationId: string): CustomerSnapshot {
  return {
    ...snapshot,
    services: snapshot.services.map((service) => ({
      ...service,
      packages: service.packages
        .map((held) => ({ ...held, products: packageGrants.get(held.packageId)?.get(integrationId) ?? [] }))
        .filter((held) => held.products.length > 0),
    })),
  };
}

/**
 * R13: make sure the customer has a subscriber id on each of these integrations (created the
 * first time, never changed afterwards).
 */
export async function ensureSubscribers(tx: Tx, ctx: SubscriptionsContext, customerId: string, integrationIds: readonly string[]): Promise<void> {
  if (integrationIds.length === 0) return;
  await tx.subscriber.createMany({
    data: integrationIds.map((integrationId) => ({ integrationId, customerId, subscriberId: ctx.newSubscriberId() })),
    skipDuplicates: true,
  });
}

/**
 * Recompute the customer's entitlement on every integration it has a subscriber id on (or only
 * on `onlyIntegrations`), and publish, through the outbox, each record that changed. Call
 * inside the transaction that made the change, after `lockCustomer`.
 */
export async function refreshEntitlements(tx: Tx, ctx: SubscriptionsContext, customerId: string, onlyIntegrations?: readonly string[]): Promise<number> {
  const subscribers = await tx.subscriber.findMany({
    where: { customerId, ...(onlyIntegrations ? { integrationId: { in: [...onlyIntegrations] } } : {}) },
  });
  if (subscribers.length === 0) return 0;
  const { snapshot, packageGrants } = await customerSnapshot(tx, customerId);
  const integrations = await tx.knownIntegration.findMany({ where: { id: { in: subscribers.map((s) => s.integrationId) } } });
  const terms = new Map<string, IntegrationTerms>(
    integrations.map((i) => [i.id, { id: i.id, loginField: i.loginField as LoginField, syncSubscriptionStatus: i.syncSubscriptionStatus }]),
  );
  const stored = new Map(
    (await tx.entitlement.findMany({ where: { customerId, integrationId: { in: subscribers.map((s) => s.integrationId) } } })).map((row) => [row.integrationId, row]),
  );
  const now = ctx.clock.now();
  let published = 0;
  for (const subscriber of subscribers) {
    const integration = terms.get(subscriber.integrationId);
    // Not known yet: the record is published when the integration's event arrives.
    if (!integration) continue;
    const entitlement = computeEntitlement(forIntegration(snapshot, packageGrants, integration.id), integration, ctx.hasher, now);
    const previous = stored.get(integration.id);
    const previousRecord = previous ? EntitlementV1.parse(previous.record) : undefined;
    const ids = { integrationId: integration.id, customerId, subscriberId: subscriber.subscriberId };
    const record = toEntitlementRecord(entitlement, ids, (previous?.version ?? 0) + 1, now);
    if (previousRecord && sameEntitlement(previousRecord, record)) continue;
    await tx.entitlement.upsert({
      where: { integrationId_customerId: { integrationId: integration.id, customerId } },
      create: { integrationId: integration.id, customerId, version: record.version, record, updatedAt: now },
      update: { version: record.version, record, updatedAt: now },
    });
    await enqueue(tx, { bucket: buckets.entitlements, key: entitlementKey(integration.id, customerId), payload: record });
    published += 1;
  }
  return published;
}
