import type { PackageV1 } from '@sva/contracts';
import type { SubscriptionsContext } from '../context.ts';
import { customerNotFound, duplicateAuthLogin, illegalTransition, packageUnknown, planInactive, planUnknown, singlePackage } from '../domain/errors.ts';
import type { HistoryEvent } from '../domain/history.ts';
import { checkSinglePackage, trialEndsAt, type PlanPackage } from '../domain/plan.ts';
import { canMove, type ServiceStatus } from '../domain/service-status.ts';
import { lockCustomer, refreshEntitlements } from '../repositories/entitlements.ts';
import { recordHistory } from '../repositories/history.ts';
import { forSinglePackage, heldForSinglePackage, singlePackageIntegrations } from '../repositories/holdings.ts';
import { actorOf, runCommand, type CommandOptions } from './command.ts';
import { toAttachment, type Attachment } from './attachment.ts';
import { lockService } from '../repositories/locks.ts';
import { uniqueViolation } from './unique-violation.ts';

export interface CreateServiceInput {
  readonly customerId: string;
  readonly planId?: string | undefined;
  readonly status: 'awaiting_installation' | 'enabled';
  /** The network (PPPoE/RADIUS) login, the `login_autenticacao` of R2. */
  readonly authLogin?: string | undefined;
  /** Its password: only a verifier is kept. */
  readonly authPassword?: string | undefined;
}

export interface ServiceCreated {
  readonly id: string;
  readonly customerId: string;
  readonly planId: string | null;
  readonly status: ServiceStatus;
  /** R11: the plan's packages, trials with their end dates. */
  readonly packages: readonly Attachment[];
}

/**
 * Give a customer a new service (a contracted plan instance). R11: the service gets its plan's
 * active packages, each trial package with an end date = now + its trial days. R10 applies to
 * them as to any attachment. R12, R13: entitlements are published in the same transaction.
 */
export async function createService(ctx: SubscriptionsContext, input: CreateServiceInput, options: CommandOptions = {}): Promise<ServiceCreated> {
  const planPackages = input.planId ? await planPackagesToGive(ctx, input.planId) : [];
  const id = ctx.newId();
  const login = input.authLogin?.trim();
  const loginKey = login ? ctx.hasher.key('login_autenticacao', login) : null;
  try {
    return await runCommand(ctx, options, async (tx) => {
      if (!(await lockCustomer(tx, input.customerId))) throw customerNotFound(input.customerId);
      const now = ctx.clock.now();
      const actor = actorOf(options);
      await tx.customerService.create({
        data: {
          id,
          customerId: input.customerId,
          planId: input.planId ?? null,
          status: input.status,
          authLogin: login ?? null,
          authLoginKey: loginKey,
          authPasswordVerifier: loginKey && input.authPassword !== undefined ? ctx.hasher.verifier('login_autenticacao', loginKey, input.authPassword) : null,
          // Issue 12 item 6: what a re-key under a new LOGIN_HASH_KEY recomputes the verifier from.
          authPasswordSealed: loginKey && input.authPassword !== undefined ? ctx.hasher.seal(input.authPassword) : null,
        },
      });
      const history: HistoryEvent[] = [{ customerId: input.customerId, serviceId: id, action: 'service_created', newStatus: input.status, actor, at: now, reason: input.planId ? `plan ${input.planId}` : null }];

      const held = await heldForSinglePackage(tx, input.customerId);
      const single = await singlePackageIntegrations(tx, planPackages.flatMap(({ pkg }) => pkg.grants.map((g) => g.integrationId)));
      const attachments: Attachment[] = [];
      for (const { pkg, planPackage } of planPackages) {
        const candidate = forSinglePackage(pkg);
        const refusal = checkSinglePackage(single, held, candidate);
        if (refusal) throw singlePackage(`plan ${input.planId} includes package ${pkg.packageId}, but ${refusal.message}`, 'planId');
        held.push(candidate);
        const row = await tx.servicePackage.create({
          data: { id: ctx.newId(), serviceId: id, packageId: pkg.packageId, priceCents: pkg.priceCents, fromPlan: true, trialEndsAt: trialEndsAt(planPackage, now), attachedAt: now },
        });
        attachments.push(toAttachment(row));
        history.push({
          customerId: input.customerId,
          serviceId: id,
          attachmentId: row.id,
          packageId: pkg.packageId,
          action: 'package_attached',
          newPriceCents: row.priceCents,
          reason: row.trialEndsAt ? `plan package, trial until ${row.trialEndsAt.toISOString()}` : planPackage.mandatory ? 'mandatory plan package' : 'plan package',
          actor,
          at: now,
        });
      }
      await recordHistory(tx, history);
      // A new login may be typed on integrations that use the network login; plan packages grant products.
      await refreshEntitlements(tx, ctx, input.customerId);
      return { id, customerId: input.customerId, planId: input.planId ?? null, status: input.status, packages: attachments };
    });
  } catch (error) {
    if (uniqueViolation(error)) throw duplicateAuthLogin();
    throw error;
  }
}

/**
 * R6, R11: the plan's packages a new service gets, from the catalog (replica first). Inactive
 * packages are no longer sold and are left out; the integrations they grant are made known
 * before the transaction (this may ask the catalog).
 */
async function planPackagesToGive(ctx: SubscriptionsContext, planId: string): Promise<Array<{ pkg: PackageV1; planPackage: PlanPackage }>> {
  const plan = await ctx.catalog.getPlan(planId);
  if (!plan) throw planUnknown(planId);
  if (!plan.active) throw planInactive(planId);
  const given: Array<{ pkg: PackageV1; planPackage: PlanPackage }> = [];
  for (const planPackage of plan.packages) {
    const pkg = await ctx.catalog.getPackage(planPackage.packageId);
    if (!pkg) throw packageUnknown(planPackage.packageId);
    if (!pkg.active) continue;
    for (const grant of pkg.grants) await ctx.catalog.getIntegration(grant.integrationId);
    given.push({ pkg, planPackage });
  }
  return given;
}

/**
 * Move a service through its lifecycle. R12: enabling a service with packages activates the
 * customer on the platforms; suspending or cancelling it deactivates them.
 */
export async function changeServiceStatus(
  ctx: SubscriptionsContext,
  serviceId: string,
  status: ServiceStatus,
  options: CommandOptions & { reason?: string | undefined } = {},
): Promise<{ id: string; status: ServiceStatus }> {
  return runCommand(ctx, options, async (tx) => {
    const service = await lockService(tx, serviceId);
    const from = service.status as ServiceStatus;
    if (from === status) return { id: serviceId, status };
    if (!canMove(from, status)) throw illegalTransition(from, status);
    await tx.customerService.update({ where: { id: serviceId }, data: { status } });
    await recordHistory(tx, {
      customerId: service.customerId,
      serviceId,
      action: 'status_changed',
      oldStatus: from,
      newStatus: status,
      reason: options.reason ?? null,
      actor: actorOf(options),
      at: ctx.clock.now(),
    });
    await refreshEntitlements(tx, ctx, service.customerId);
    return { id: serviceId, status };
  });
}
