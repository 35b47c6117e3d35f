import type { PackageV1 } from '@sva/contracts';
import type { Tx } from '../context.ts';
import type { HeldForSinglePackage } from '../domain/plan.ts';
import { grantsOf } from './catalog-replica.ts';

/** A package reduced to what R10 looks at. */
export function forSinglePackage(pkg: Pick<PackageV1, 'packageId' | 'description' | 'grants'>): HeldForSinglePackage {
  return {
    packageId: pkg.packageId,
    description: pkg.description,
    integrationIds: pkg.grants.filter((g) => g.productCodes.length > 0).map((g) => g.integrationId),
  };
}

/**
 * R10: the packages a customer holds now (attached, not detached, on a service that is not
 * cancelled). Call under the customer lock, so a concurrent attach cannot slip in between.
 */
export async function heldForSinglePackage(tx: Tx, customerId: string): Promise<HeldForSinglePackage[]> {
  const held = await tx.servicePackage.findMany({
    where: { detachedAt: null, service: { customerId, status: { not: 'cancelled' } } },
    select: { packageId: true },
  });
  const packages = await tx.knownPackage.findMany({ where: { id: { in: [...new Set(held.map((h) => h.packageId))] } } });
  return packages.map((pkg) => forSinglePackage({ packageId: pkg.id, description: pkg.description, grants: grantsOf(pkg) }));
}

/** Which of these integrations allow a single package per customer (R10). */
export async function singlePackageIntegrations(tx: Tx, integrationIds: readonly string[]): Promise<Set<string>> {
  if (integrationIds.length === 0) return new Set();
  const rows = await tx.knownIntegration.findMany({ where: { id: { in: [...integrationIds] }, singlePackage: true }, select: { id: true } });
  return new Set(rows.map((row) => row.id));
}
