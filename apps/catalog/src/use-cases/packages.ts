import { DomainError } from '@sva/kernel';
import type { CatalogContext, Tx } from '../context.ts';
import { DEFAULT_COMPOSITION, checkComposition, type CompositionComponent } from '../domain/composition.ts';
import {
  compositionInvalid,
  exclusiveIntegrationShared,
  integrationNotFound,
  mapFieldPaths,
  packageInActivePlans,
  packageNotFound,
  productsNotGrantable,
  singlePackageConflict,
  staleVersion,
} from '../domain/errors.ts';
import { checkExclusivity, checkGrants, productKey, replaceGrant, sameGrants, type PackageGrant } from '../domain/package.ts';
import { singlePackageConflicts } from '../domain/plan.ts';
import { lockForShare, lockForUpdate } from '../repositories/locks.ts';
import { announcePackage, loadPackage, savePackage, type CatalogPackage } from '../repositories/package.repository.ts';
import { activePlansWithGrants } from '../repositories/plan.repository.ts';

export interface CreatePackageInput {
  readonly description: string;
  readonly priceCents: number;
  readonly active: boolean;
  /** Defaults to `DEFAULT_COMPOSITION` (the whole price as SVA). */
  readonly composition?: readonly CompositionComponent[] | undefined;
  readonly grants: readonly PackageGrant[];
}

export interface EditPackageInput {
  /** The version the operator's change is based on (optimistic concurrency). */
  readonly version: number;
  readonly description?: string | undefined;
  readonly priceCents?: number | undefined;
  readonly active?: boolean | undefined;
  readonly composition?: readonly CompositionComponent[] | undefined;
  /** Replaces every grant of the package. */
  readonly grants?: readonly PackageGrant[] | undefined;
}

type PackageState = Omit<CatalogPackage, 'createdAt' | 'updatedAt'>;

/** R5: create a package with a fiscal composition that adds up to its price, granting synced, active products. Announced. */
export async function createPackage(ctx: CatalogContext, input: CreatePackageInput): Promise<CatalogPackage> {
  const now = ctx.clock.now();
  const draft: PackageState = {
    id: ctx.newId(),
    description: input.description,
    priceCents: input.priceCents,
    active: input.active,
    version: 1,
    composition: input.composition ?? DEFAULT_COMPOSITION,
    grants: input.grants,
  };
  return ctx.transaction(async (tx) => {
    await checkPackage(tx, draft, null);
    await savePackage(tx, draft, 'create');
    const created = await loadPackage(tx, draft.id);
    await announcePackage(tx, created, now);
    return created;
  });
}

/**
 * R5: change a package. Its price, composition and grants are checked together (a new price with
 * fixed-amount components may need a new composition); a change to products or price reaches
 * subscriptions as `catalog.package.changed.v1` with the next version (subscriptions decides what
 * it means for customers holding it). A request that changes nothing announces nothing.
 */
export async function updatePackage(ctx: CatalogContext, id: string, input: EditPackageInput): Promise<CatalogPackage> {
  const now = ctx.clock.now();
  return ctx.transaction(async (tx) => {
    const current = await lockCurrent(tx, id, input.version);
    const draft: PackageState = {
      ...current,
      description: input.description ?? current.description,
      priceCents: input.priceCents ?? current.priceCents,
      active: input.active ?? current.active,
      composition: input.composition ?? current.composition,
      grants: input.grants ?? current.grants,
    };
    if (!changed(current, draft)) return current;
    await checkPackage(tx, draft, current);
    await savePackage(tx, { ...draft, version: current.version + 1 }, 'update');
    const updated = await loadPackage(tx, id);
    await announcePackage(tx, updated, now);
    return updated;
  });
}

/**
 * R5, the package's *Integration tab*: set the products the package grants on one integration
 * (only synced, active products of it); an empty list removes the integration from the package.
 */
export async function setIntegrationProducts(
  ctx: CatalogContext,
  input: { readonly packageId: string; readonly integrationId: string; readonly productCodes: readonly string[]; readonly version: number },
): Promise<CatalogPackage> {
  const now = ctx.clock.now();
  return ctx.transaction(async (tx) => {
    const current = await lockCurrent(tx, input.packageId, input.version);
    if (!(await tx.integration.findUnique({ where: { id: input.integrationId }, select: { id: true } }))) throw integrationNotFound(input.integrationId);
    const grants = replaceGrant(current.grants, input.integrationId, input.productCodes);
    const draft: PackageState = { ...current, grants };
    if (!changed(current, draft)) return current;
    const index = grants.findIndex((grant) => grant.integrationId === input.integrationId);
    await checkPackage(tx, draft, current).catch((error: unknown) => {
      // The request names this one integration's products: point the issues at its own fields.
      throw index < 0 ? error : renamePaths(error, [[`grants.${index}.productCodes.`, 'productCodes.'], [`grants.${index}.integrationId`, 'params.integrationId']]);
    });
    await savePackage(tx, { ...draft, version: current.version + 1 }, 'update');
    const updated = await loadPackage(tx, current.id);
    await announcePackage(tx, updated, now);
    return updated;
  });
}

function renamePaths(error: unknown, renames: readonly (readonly [string, string])[]): unknown {
  if (!(error instanceof DomainError)) return error;
  return mapFieldPaths(error, (path) => {
    const rename = renames.find(([from]) => path.startsWith(from));
    return rename ? rename[1] + path.slice(rename[0].length) : path;
  });
}

async function lockCurrent(tx: Tx, id: string, expectedVersion: number): Promise<CatalogPackage> {
  const version = await lockForUpdate(tx, 'package', id);
  if (version === null) throw packageNotFound(id);
  if (version !== expectedVersion) throw staleVersion('the package', expectedVersion, version);
  return loadPackage(tx, id);
}

function changed(current: PackageState, draft: PackageState): boolean {
  return (
    current.description !== draft.description ||
    current.priceCents !== draft.priceCents ||
    current.active !== draft.active ||
    JSON.stringify(current.composition) !== JSON.stringify(draft.composition) ||
    !sameGrants(current.grants, draft.grants)
  );
}

/**
 * Every rule a package's new state must meet, against what exists (`current` is `null` on
 * creation). Locks the granted integrations so a sync or an integration edit cannot invalidate the
 * check before this transaction commits.
 */
async function checkPackage(tx: Tx, draft: PackageState, current: CatalogPackage | null): Promise<void> {
  const compositionIssues = checkComposition(draft.composition, draft.priceCents);
  if (compositionIssues.length > 0) throw compositionInvalid(compositionIssues);

  const integrationIds = [...new Set(draft.grants.map((grant) => grant.integrationId))];
  await lockForShare(tx, 'integration', integrationIds);
  const integrations = await tx.integration.findMany({ where: { id: { in: integrationIds } } });
  const products = draft.grants.length === 0
    ? []
    : await tx.product.findMany({ where: { OR: draft.grants.map((grant) => ({ integrationId: grant.integrationId, code: { in: [...grant.productCodes] } })) } });
  const alreadyGranted = new Set((current?.grants ?? []).flatMap((grant) => grant.productCodes.map((code) => productKey(grant.integrationId, code))));
  const grantIssues = checkGrants(draft.grants, new Map(products.map((p) => [productKey(p.integrationId, p.code), p])), {
    alreadyGranted,
    integrations: new Set(integrations.map((integration) => integration.id)),
  });
  if (grantIssues.length > 0) throw productsNotGrantable(grantIssues);
  const exclusivityIssues = checkExclusivity(draft.grants, new Map(integrations.map((integration) => [integration.id, integration])));
  if (exclusivityIssues.length > 0) throw exclusiveIntegrationShared(exclusivityIssues);

  if (!current) return;
  if (current.active && !draft.active) {
    const plans = await tx.plan.findMany({ where: { active: true, packages: { some: { packageId: draft.id } } }, select: { id: true, name: true }, orderBy: { createdAt: 'asc' } });
    if (plans.length > 0) throw packageInActivePlans(plans);
  }
  if (!sameGrants(current.grants, draft.grants)) await checkPlansKeepSinglePackage(tx, draft, integrations);
}

/** R10: with its new grants, the package may not make an active plan hold two packages of a single-package integration. */
async function checkPlansKeepSinglePackage(
  tx: Tx,
  draft: PackageState,
  integrations: readonly { id: string; description: string; singlePackage: boolean }[],
): Promise<void> {
  if (!integrations.some((integration) => integration.singlePackage)) return;
  const single = new Map(integrations.map((integration) => [integration.id, integration]));
  const newIntegrationIds = draft.grants.map((grant) => grant.integrationId);
  for (const plan of await activePlansWithGrants(tx, { packageId: draft.id })) {
    const packages = plan.packages.map((pkg) => (pkg.packageId === draft.id ? { ...pkg, integrationIds: newIntegrationIds } : pkg));
    const conflict = singlePackageConflicts(packages, single)[0];
    if (conflict) {
      throw singlePackageConflict(`in active plan '${plan.name}' (${plan.id}), ${conflict.message}`, [
        { path: 'grants', message: `active plan '${plan.name}' would hold two packages of a single-package integration`, rule: 'R10' },
      ]);
    }
  }
}
