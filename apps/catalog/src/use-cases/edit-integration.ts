import type { CatalogContext } from '../context.ts';
import { exclusivityBrokenByPackages, integrationNotFound, singlePackageConflict, staleVersion } from '../domain/errors.ts';
import { editIntegration, type Integration, type IntegrationChanges } from '../domain/integration.ts';
import { singlePackageConflicts } from '../domain/plan.ts';
import { announceIntegration, findIntegrationOrThrow, integrationColumns, toIntegration } from '../repositories/integration.repository.ts';
import { lockForUpdate } from '../repositories/locks.ts';
import { activePlansWithGrants } from '../repositories/plan.repository.ts';

export interface EditIntegrationInput extends Omit<IntegrationChanges, 'platform'> {
  /** The version the operator's change is based on (optimistic concurrency). */
  readonly version: number;
  /** New outbound credentials or address of the platform; the secret is sealed at once. */
  readonly platform?: { readonly baseUrl?: string; readonly clientId?: string; readonly clientSecret?: string };
}

/**
 * R1: change an integration (description, login field, flags, active state, platform address and
 * credentials). Refused when based on an older version, or when a flag switched on would break a
 * rule for what exists: `exclusivePackages` while packages mix this integration with others (R5),
 * `singlePackage` while an active plan lists two packages of it (R10). A change is announced
 * (event + gateway record) with the next version; a request that changes nothing announces nothing.
 */
export async function updateIntegration(ctx: CatalogContext, id: string, input: EditIntegrationInput): Promise<Integration> {
  const now = ctx.clock.now();
  return ctx.transaction(async (tx) => {
    const version = await lockForUpdate(tx, 'integration', id);
    if (version === null) throw integrationNotFound(id);
    if (version !== input.version) throw staleVersion('the integration', input.version, version);
    const current = toIntegration(await findIntegrationOrThrow(tx, id));
    const { version: _version, platform, ...changes } = input;
    const newSecret = platform?.clientSecret;
    const { integration, changed } = editIntegration(
      current,
      { ...changes, ...(platform ? { platform: { ...(platform.baseUrl ? { baseUrl: platform.baseUrl } : {}), ...(platform.clientId ? { clientId: platform.clientId } : {}) } } : {}) },
      newSecret !== undefined,
    );
    if (!changed) return current;

    if (integration.exclusivePackages && !current.exclusivePackages) {
      const mixed = await tx.package.findMany({
        where: { AND: [{ products: { some: { integrationId: id } } }, { products: { some: { integrationId: { not: id } } } }] },
        select: { id: true, description: true },
        orderBy: { createdAt: 'asc' },
      });
      if (mixed.length > 0) throw exclusivityBrokenByPackages(mixed);
    }
    if (integration.singlePackage && !current.singlePackage) {
      const plans = await activePlansWithGrants(tx, { integrationId: id });
      const single = new Map([[id, { description: integration.description, singlePackage: true }]]);
      const conflicting = plans.filter((plan) => singlePackageConflicts(plan.packages, single).length > 0);
      if (conflicting.length > 0) {
        const names = conflicting.slice(0, 5).map((plan) => `'${plan.name}' (${plan.id})`).join(', ');
        throw singlePackageConflict(`singlePackage cannot be switched on: active plan${conflicting.length === 1 ? '' : 's'} ${names} list${conflicting.length === 1 ? 's' : ''} two or more packages of this integration`, [
          { path: 'singlePackage', message: 'active plans list several packages of this integration', rule: 'R10' },
        ]);
      }
    }

    await tx.integration.update({
      where: { id },
      data: { ...integrationColumns(integration), ...(newSecret === undefined ? {} : { platformSecretSealed: ctx.sealer.seal(newSecret) }) },
    });
    await announceIntegration(tx, integration, now);
    return integration;
  });
}
