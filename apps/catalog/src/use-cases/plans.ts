import type { CatalogContext, Tx } from '../context.ts';
import { planNotFound, planPackagesNotAvailable, singlePackageConflict, staleVersion } from '../domain/errors.ts';
import { checkPlanPackages, type PlanPackageEntry } from '../domain/plan.ts';
import { lockForShare, lockForUpdate } from '../repositories/locks.ts';
import { announcePlan, loadPlan, savePlan, type CatalogPlan } from '../repositories/plan.repository.ts';

export interface CreatePlanInput {
  readonly name: string;
  readonly downloadMbps: number;
  readonly uploadMbps: number;
  readonly priceCents: number;
  readonly active: boolean;
  readonly lockPackages: boolean;
  readonly packages: readonly PlanPackageEntry[];
}

export interface EditPlanInput extends Partial<CreatePlanInput> {
  /** The version the operator's change is based on (optimistic concurrency). */
  readonly version: number;
}

type PlanState = Omit<CatalogPlan, 'createdAt' | 'updatedAt'>;

/** R6: create an internet service plan with its packages (mandatory, trial days, lock). Announced as `catalog.plan.changed.v1`. */
export async function createPlan(ctx: CatalogContext, input: CreatePlanInput): Promise<CatalogPlan> {
  const now = ctx.clock.now();
  const draft: PlanState = { id: ctx.newId(), ...input, version: 1 };
  return ctx.transaction(async (tx) => {
    await checkPlan(tx, draft);
    await savePlan(tx, draft, 'create');
    const created = await loadPlan(tx, draft.id);
    await announcePlan(tx, created, now);
    return created;
  });
}

/** R6: change a plan; `packages`, when given, replaces the whole list. Announced with the next version; a no-op announces nothing. */
export async function updatePlan(ctx: CatalogContext, id: string, input: EditPlanInput): Promise<CatalogPlan> {
  const now = ctx.clock.now();
  return ctx.transaction(async (tx) => {
    const version = await lockForUpdate(tx, 'plan', id);
    if (version === null) throw planNotFound(id);
    if (version !== input.version) throw staleVersion('the plan', input.version, version);
    const current = await loadPlan(tx, id);
    const draft: PlanState = {
      ...current,
      name: input.name ?? current.name,
      downloadMbps: input.downloadMbps ?? current.downloadMbps,
      uploadMbps: input.uploadMbps ?? current.uploadMbps,
      priceCents: input.priceCents ?? current.priceCents,
      active: input.active ?? current.active,
      lockPackages: input.lockPackages ?? current.lockPackages,
      packages: input.packages ?? current.packages,
    };
    if (JSON.stringify(planFields(draft)) === JSON.stringify(planFields(current))) return current;
    await checkPlan(tx, draft);
    await savePlan(tx, { ...draft, version: current.version + 1 }, 'update');
    const updated = await loadPlan(tx, id);
    await announcePlan(tx, updated, now);
    return updated;
  });
}

function planFields(plan: PlanState) {
  const { name, downloadMbps, uploadMbps, priceCents, active, lockPackages, packages } = plan;
  return { name, downloadMbps, uploadMbps, priceCents, active, lockPackages, packages: packages.map(({ packageId, mandatory, trialDays }) => ({ packageId, mandatory, trialDays })) };
}

/**
 * R6 and R10 against what exists. Locks the listed packages and their integrations so that a
 * package deactivation or a new `singlePackage` cannot slip in before this transaction commits.
 */
async function checkPlan(tx: Tx, draft: PlanState): Promise<void> {
  const packageIds = draft.packages.map((entry) => entry.packageId);
  await lockForShare(tx, 'package', packageIds);
  const packages = await tx.package.findMany({
    where: { id: { in: packageIds } },
    select: { id: true, description: true, active: true, products: { select: { integrationId: true }, distinct: ['integrationId'] } },
  });
  const integrationIds = packages.flatMap((pkg) => pkg.products.map((product) => product.integrationId));
  await lockForShare(tx, 'integration', integrationIds);
  const integrations = await tx.integration.findMany({ where: { id: { in: integrationIds } }, select: { id: true, description: true, singlePackage: true } });
  const issues = checkPlanPackages(
    draft.packages,
    new Map(packages.map((pkg) => [pkg.id, { description: pkg.description, active: pkg.active, integrationIds: pkg.products.map((p) => p.integrationId) }])),
    new Map(integrations.map((integration) => [integration.id, integration])),
  );
  if (issues.some((issue) => issue.rule === 'R6')) throw planPackagesNotAvailable(issues);
  if (issues.length > 0) throw singlePackageConflict('a plan may not list two packages of a single-package integration', issues);
}
