import { RuleViolationError } from '@sva/kernel';
import type { SubscriptionsContext } from '../context.ts';
import { attachmentNotFound, packageInactive, packageUnknown, serviceCancelled } from '../domain/errors.ts';
import { ensureSubscribers, refreshEntitlements } from '../repositories/entitlements.ts';
import { grantsOf } from '../repositories/catalog-replica.ts';
import { lockService } from './services.ts';

export interface AttachPackageInput {
  readonly serviceId: string;
  readonly packageId: string;
  /** R7: overrides the package price for this attachment. */
  readonly priceCents?: number | undefined;
}

export interface Attachment {
  readonly id: string;
  readonly serviceId: string;
  readonly packageId: string;
  readonly priceCents: number;
  readonly trialEndsAt: string | null;
  readonly attachedAt: string;
}

/**
 * Attach a package to a customer service. R7: the package price unless overridden. R10: refused
 * when an integration it grants allows a single package and the customer already holds one.
 * R12, R13: the customer gets a subscriber id on each granted integration and, when the service
 * is enabled, becomes entitled — published in the same transaction.
 */
export async function attachPackage(ctx: SubscriptionsContext, input: AttachPackageInput): Promise<Attachment> {
  const pkg = await ctx.catalog.getPackage(input.packageId);
  if (!pkg) throw packageUnknown(input.packageId);
  if (!pkg.active) throw packageInactive(input.packageId);
  // Make sure every granted integration is known before the transaction (may ask the catalog).
  for (const grant of pkg.grants) await ctx.catalog.getIntegration(grant.integrationId);
  const integrationIds = pkg.grants.map((grant) => grant.integrationId);
  const now = ctx.clock.now();
  const id = ctx.newId();

  return ctx.transaction(async (tx) => {
    const service = await lockService(tx, input.serviceId);
    if (service.status === 'cancelled') throw serviceCancelled(service.id);
    const single = await tx.knownIntegration.findMany({ where: { id: { in: integrationIds }, singlePackage: true } });
    if (single.length > 0) {
      const held = await tx.servicePackage.findMany({
        where: { detachedAt: null, service: { customerId: service.customerId, status: { not: 'cancelled' } } },
        select: { packageId: true },
      });
      const heldPackages = await tx.knownPackage.findMany({ where: { id: { in: held.map((h) => h.packageId) } } });
      for (const integration of single) {
        const clash = heldPackages.find((other) => grantsOf(other).some((g) => g.integrationId === integration.id));
        if (clash) {
          throw new RuleViolationError(
            'SUBSCRIPTIONS_SINGLE_PACKAGE',
            `integration ${integration.id} allows a single package per customer, and the customer already holds package ${clash.id} ("${clash.description}")`,
            'R10',
            [{ path: 'packageId', message: 'the customer already holds a package of this single-package integration', rule: 'R10' }],
          );
        }
      }
    }
    const row = await tx.servicePackage.create({
      data: { id, serviceId: service.id, packageId: pkg.packageId, priceCents: input.priceCents ?? pkg.priceCents, attachedAt: now },
    });
    await ensureSubscribers(tx, ctx, service.customerId, integrationIds);
    await refreshEntitlements(tx, ctx, service.customerId);
    return {
      id: row.id,
      serviceId: row.serviceId,
      packageId: row.packageId,
      priceCents: row.priceCents,
      trialEndsAt: row.trialEndsAt?.toISOString() ?? null,
      attachedAt: row.attachedAt.toISOString(),
    };
  });
}

/** R12: detach a package; the customer loses what only it granted. The attachment is kept as history. */
export async function detachPackage(ctx: SubscriptionsContext, serviceId: string, attachmentId: string): Promise<void> {
  await ctx.transaction(async (tx) => {
    const service = await lockService(tx, serviceId);
    const updated = await tx.servicePackage.updateMany({
      where: { id: attachmentId, serviceId, detachedAt: null },
      data: { detachedAt: ctx.clock.now(), detachReason: 'detached' },
    });
    if (updated.count === 0) throw attachmentNotFound(attachmentId);
    await refreshEntitlements(tx, ctx, service.customerId);
  });
}
