import type { FieldIssue } from '@sva/kernel';

/** A package of a plan (R6), as the operator lists it. */
export interface PlanPackageEntry {
  readonly packageId: string;
  /** R9: cannot be detached from a customer's service while the plan is in force (obrigatório). */
  readonly mandatory: boolean;
  /** R11: 0 = not a trial; otherwise free for this many days, then removed (degustação). */
  readonly trialDays: number;
}

/** What the plan rules need to know about a listed package. */
export interface ListedPackage {
  readonly description: string;
  readonly active: boolean;
  /** Integrations the package grants products of. */
  readonly integrationIds: readonly string[];
}

/** What the plan rules need to know about an integration. */
export interface SinglePackageIntegration {
  readonly description: string;
  /** R10: a customer holds at most one package granting this integration's products (pacote único). */
  readonly singlePackage: boolean;
}

/**
 * R6: a plan may only list existing, active packages, each once. R10: it may not list two
 * packages granting products of the same *single package* integration, since a customer given the
 * plan (R11) would then hold both. Paths point at `packages.<i>.packageId`.
 */
export function checkPlanPackages(
  entries: readonly PlanPackageEntry[],
  packages: ReadonlyMap<string, ListedPackage>,
  integrations: ReadonlyMap<string, SinglePackageIntegration>,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const path = `packages.${index}.packageId`;
    const pkg = packages.get(entry.packageId);
    if (seen.has(entry.packageId)) issues.push({ path, message: 'package listed twice', rule: 'R6' });
    else if (!pkg) issues.push({ path, message: `package ${entry.packageId} does not exist`, rule: 'R6' });
    else if (!pkg.active) issues.push({ path, message: `package '${pkg.description}' is inactive; a plan may only list active packages`, rule: 'R6' });
    seen.add(entry.packageId);
  });
  if (issues.length > 0) return issues;
  return singlePackageConflicts(entries.map((entry) => ({ packageId: entry.packageId, ...packages.get(entry.packageId)! })), integrations).map(
    ({ index, message }) => ({ path: `packages.${index}.packageId`, message, rule: 'R10' }),
  );
}

/**
 * R10: where a list of packages (a plan's) holds two packages granting products of the same single
 * package integration. Reports each package after the first one of such an integration.
 */
export function singlePackageConflicts(
  packages: readonly (ListedPackage & { readonly packageId: string })[],
  integrations: ReadonlyMap<string, SinglePackageIntegration>,
): { readonly index: number; readonly message: string }[] {
  const first = new Map<string, string>();
  const conflicts: { index: number; message: string }[] = [];
  packages.forEach((pkg, index) => {
    for (const integrationId of pkg.integrationIds) {
      const integration = integrations.get(integrationId);
      if (!integration?.singlePackage) continue;
      const earlier = first.get(integrationId);
      if (earlier === undefined) {
        first.set(integrationId, pkg.description);
      } else {
        conflicts.push({
          index,
          message: `packages '${earlier}' and '${pkg.description}' both grant products of integration '${integration.description}', which allows a single package per customer (pacote único)`,
        });
      }
    }
  });
  return conflicts;
}
