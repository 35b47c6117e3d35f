import type { Tx } from '../context.ts';
import { serviceNotFound } from '../domain/errors.ts';
import { lockCustomer } from './entitlements.ts';

/** Load a service and lock its customer for the rest of the transaction. */
export async function lockService(tx: Tx, serviceId: string) {
  const found = await tx.customerService.findUnique({ where: { id: serviceId }, select: { customerId: true } });
  if (!found) throw serviceNotFound(serviceId);
  await lockCustomer(tx, found.customerId);
  return tx.customerService.findUniqueOrThrow({ where: { id: serviceId } });
}
