import type { SubscriptionsContext } from '../context.ts';
import {
  attachmentDetached,
  attachmentNotFound,
  consentRequired,
  mandatoryPackage,
  packageAlreadyAttached,
  packageInactive,
  packageLockedByPlan,
  packageUnknown,
  serviceCancelled,
  serviceNotFound,
  singlePackage,
} from '../domain/errors.ts';
import { checkDetachAllowed, checkPlanAllowsPackage, checkSinglePackage, type PlanTerms } from '../domain/plan.ts';
import { refreshEntitlements } from '../repositories/entitlements.ts';
import { recordHistory } from '../repositories/history.ts';
import { forSinglePackage, heldForSinglePackage, singlePackageIntegrations } from '../repositories/holdings.ts';
import { actorOf, runCommand, type CommandOptions } from './command.ts';
import { toAttachment, type Attachment } from './attachment.ts';
import { lockService } from '../repositories/locks.ts';
import { consentForAttachment, type ConsentInput } from '../billing/domain/consent.ts';
import { consentColumns } from '../billing/repositories/consent-columns.ts';

export interface AttachPackageInput {
  readonly serviceId: string;
  readonly packageId: string;
  /** R7: overrides the package price for this attachment. */
  readonly priceCents?: number | undefined;
  /** R19: the customer's consent; required for a paid package outside the plan's mandatory ones. */
  readonly consent?: ConsentInput | undefined;
}

/** The plan a service runs on, from the catalog (replica first), or `null` without one. */
async function planOfService(ctx: SubscriptionsContext, serviceId: string): Promise<PlanTerms | null> {
  const service = await ctx.db.customerService.findUnique({ where: { id: serviceId }, select: { planId: true } });
  if (!service) throw serviceNotFound(serviceId);
  return service.planId ? ctx.catalog.getPlan(service.planId) : null;
}

/**
 * Attach a package to a customer service. R7: the package price unless overridden. R8: refused
 * when the service's plan locks packages and this one is not in it. R10: refused when an
 * integration it grants allows a single package and the customer already holds another — under
 * the customer lock, so concurrent attaches cannot both pass. R12, R13: the customer gets a
 * subscriber id on each granted integration and, when the service is enabled, becomes entitled —
 * published in the same transaction. R19: a paid package outside the plan's mandatory ones is
 * refused without the customer's consent, which is stored with the attachment.
 */
export async function attachPackage(ctx: SubscriptionsContext, input: AttachPackageInput, options: CommandOptions = {}): Promise<Attachment> {
  const pkg = await ctx.catalog.getPackage(input.packageId);
  if (!pkg) throw packageUnknown(input.packageId);
  if (!pkg.active) throw packageInactive(input.packageId);
  // Make sure every granted integration is known before the transaction (may ask the catalog).
  for (const grant of pkg.grants) await ctx.catalog.getIntegration(grant.integrationId);
  const plan = await planOfService(ctx, input.serviceId);
  const priceCents = input.priceCents ?? pkg.priceCents;

  return runCommand(ctx, options, async (tx) => {
    const service = await lockService(tx, input.serviceId);
    if (service.status === 'cancelled') throw serviceCancelled(service.id);
    const refusedByPlan = checkPlanAllowsPackage(plan, { id: pkg.packageId, description: pkg.description });
    if (refusedByPlan) throw packageLockedByPlan(refusedByPlan.message);
    const agreed = consentForAttachment(plan, pkg.packageId, priceCents, input.consent, ctx.clock.now());
    if ('refused' in agreed) throw consentRequired(agreed.refused.path, agreed.refused.message);
    const twice = await tx.servicePackage.count({ where: { serviceId: service.id, packageId: pkg.packageId, detachedAt: null } });
    if (twice > 0) throw packageAlreadyAttached(pkg.packageId, service.id);
    const candidate = forSinglePackage(pkg);
    const single = await singlePackageIntegrations(tx, candidate.integrationIds);
    if (single.size > 0) {
      const refusal = checkSinglePackage(single, await heldForSinglePackage(tx, service.customerId), candidate);
      if (refusal) throw singlePackage(refusal.message);
    }
    const now = ctx.clock.now();
    const row = await tx.servicePackage.create({
      data: {
        id: ctx.newId(),
        serviceId: service.id,
        packageId: pkg.packageId,
        priceCents,
        priceOverridden: input.priceCents !== undefined,
        attachedAt: now,
        ...consentColumns(agreed.consent),
      },
    });
    await recordHistory(tx, {
      customerId: service.customerId,
      serviceId: service.id,
      attachmentId: row.id,
      packageId: pkg.packageId,
      action: 'package_attached',
      newPriceCents: row.priceCents,
      reason: input.priceCents !== undefined ? `price set for this customer (catalog price ${pkg.priceCents})` : null,
      actor: actorOf(options),
      at: now,
    });
    await refreshEntitlements(tx, ctx, service.customerId);
    return toAttachment(row);
  });
}

/**
 * R12: detach a package; the customer loses what only it granted. R9: refused for a mandatory
 * package of the service's plan while the plan is in force. The attachment is kept as history.
 */
export async function detachPackage(
  ctx: SubscriptionsContext,
  serviceId: string,
  attachmentId: string,
  options: CommandOptions & { reason?: string | undefined } = {},
): Promise<void> {
  const plan = await planOfService(ctx, serviceId);
  await runCommand(ctx, options, async (tx) => {
    const service = await lockService(tx, serviceId);
    const attachment = await tx.servicePackage.findFirst({ where: { id: attachmentId, serviceId, detachedAt: null } });
    if (!attachment) throw attachmentNotFound(attachmentId);
    const known = await tx.knownPackage.findUnique({ where: { id: attachment.packageId }, select: { description: true } });
    const refusal = checkDetachAllowed(plan, service.status === 'cancelled', { id: attachment.packageId, description: known?.description ?? attachment.packageId });
    if (refusal) throw mandatoryPackage(refusal.message);
    const now = ctx.clock.now();
    await tx.servicePackage.update({ where: { id: attachmentId }, data: { detachedAt: now, detachReason: 'detached' } });
    await recordHistory(tx, {
      customerId: service.customerId,
      serviceId,
      attachmentId,
      packageId: attachment.packageId,
      action: 'package_detached',
      oldPriceCents: attachment.priceCents,
      reason: options.reason ?? null,
      actor: actorOf(options),
      at: now,
    });
    await refreshEntitlements(tx, ctx, service.customerId);
  });
}

/**
 * R7: set the price of one attachment for this customer, or (`null`) go back to the catalog's
 * package price. Recorded in the history with the old and new price.
 */
export async function changeAttachmentPrice(
  ctx: SubscriptionsContext,
  serviceId: string,
  attachmentId: string,
  priceCents: number | null,
  options: CommandOptions & { reason?: string | undefined } = {},
): Promise<Attachment> {
  const attachment = await ctx.db.servicePackage.findFirst({ where: { id: attachmentId, serviceId } });
  if (!attachment) throw attachmentNotFound(attachmentId);
  const catalogPrice = priceCents === null ? (await ctx.catalog.getPackage(attachment.packageId))?.priceCents : undefined;
  return runCommand(ctx, options, async (tx) => {
    const service = await lockService(tx, serviceId);
    const current = await tx.servicePackage.findUniqueOrThrow({ where: { id: attachmentId } });
    if (current.detachedAt) throw attachmentDetached(attachmentId);
    const next = priceCents ?? catalogPrice ?? current.priceCents;
    const overridden = priceCents !== null;
    if (next === current.priceCents && overridden === current.priceOverridden) return toAttachment(current);
    const row = await tx.servicePackage.update({ where: { id: attachmentId }, data: { priceCents: next, priceOverridden: overridden } });
    await recordHistory(tx, {
      customerId: service.customerId,
      serviceId,
      attachmentId,
      packageId: current.packageId,
      action: 'price_changed',
      oldPriceCents: current.priceCents,
      newPriceCents: next,
      reason: options.reason ?? (overridden ? 'price set for this customer' : 'back to the catalog price'),
      actor: actorOf(options),
      at: ctx.clock.now(),
    });
    return toAttachment(row);
  });
}
