import type { SubscriptionsContext, Tx } from '../context.ts';
import { customerNotFound, duplicateAuthLogin, illegalTransition, serviceNotFound } from '../domain/errors.ts';
import { canMove, type ServiceStatus } from '../domain/service-status.ts';
import { lockCustomer, refreshEntitlements } from '../repositories/entitlements.ts';
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

/** Give a customer a new service (a contracted plan instance). */
export async function createService(ctx: SubscriptionsContext, input: CreateServiceInput): Promise<{ id: string }> {
  const id = ctx.newId();
  const login = input.authLogin?.trim();
  try {
    await ctx.transaction(async (tx) => {
      if (!(await lockCustomer(tx, input.customerId))) throw customerNotFound(input.customerId);
      await tx.customerService.create({
        data: {
          id,
          customerId: input.customerId,
          planId: input.planId ?? null,
          status: input.status,
          authLogin: login ?? null,
          authLoginKey: login ? ctx.hasher.key('login_autenticacao', login) : null,
          authPasswordVerifier: login && input.authPassword !== undefined ? ctx.hasher.verifier('login_autenticacao', input.authPassword) : null,
        },
      });
      // A new login may be typed on integrations that use the network login.
      await refreshEntitlements(tx, ctx, input.customerId);
    });
  } catch (error) {
    if (uniqueViolation(error)) throw duplicateAuthLogin();
    throw error;
  }
  return { id };
}

/** Load a service and lock its customer for the rest of the transaction. */
export async function lockService(tx: Tx, serviceId: string) {
  const found = await tx.customerService.findUnique({ where: { id: serviceId }, select: { customerId: true } });
  if (!found) throw serviceNotFound(serviceId);
  await lockCustomer(tx, found.customerId);
  return tx.customerService.findUniqueOrThrow({ where: { id: serviceId } });
}

/**
 * Move a service through its lifecycle. R12: enabling a service with packages activates the
 * customer on the platforms; suspending or cancelling it deactivates them.
 */
export async function changeServiceStatus(ctx: SubscriptionsContext, serviceId: string, status: ServiceStatus): Promise<{ id: string; status: ServiceStatus }> {
  return ctx.transaction(async (tx) => {
    const service = await lockService(tx, serviceId);
    const from = service.status as ServiceStatus;
    if (from === status) return { id: serviceId, status };
    if (!canMove(from, status)) throw illegalTransition(from, status);
    await tx.customerService.update({ where: { id: serviceId }, data: { status } });
    await refreshEntitlements(tx, ctx, service.customerId);
    return { id: serviceId, status };
  });
}
