import { DAY_MS } from '@sva/kernel';

/** A package of a service plan (R6), as the catalog announced it. */
export interface PlanPackage {
  readonly packageId: string;
  /** R9: cannot be detached while the plan is in force. */
  readonly mandatory: boolean;
  /** R11: 0 = not a trial. */
  readonly trialDays: number;
}

/** What the rules need of a service plan (R6, R8, R9, R11). */
export interface PlanTerms {
  readonly id: string;
  readonly name: string;
  readonly active: boolean;
  /** R8: only the plan's own packages may be attached. */
  readonly lockPackages: boolean;
  readonly packages: readonly PlanPackage[];
}

/** A package named in words an operator recognises. */
export interface PackageRef {
  readonly id: string;
  readonly description: string;
}

/** The words of a refusal, and the rule it enforces: the use case turns it into a domain error. */
export interface Refusal {
  readonly rule: string;
  readonly message: string;
}

/**
 * R8: with *lock packages* on, only the plan's own packages can be attached to its services.
 * The refusal says why: this is the source's FAQ "my package does not show up".
 */
export function checkPlanAllowsPackage(plan: PlanTerms | null, pkg: PackageRef): Refusal | null {
  if (!plan || !plan.lockPackages) return null;
  if (plan.packages.some((p) => p.packageId === pkg.id)) return null;
  return { rule: 'R8', message: `package ${pkg.id} ("${pkg.description}") is not in plan ${plan.id} ("${plan.name}") and the plan locks packages` };
}

/**
 * R9: a mandatory plan package cannot be detached while the plan is in force, i.e. while the
 * service runs on the plan (a cancelled service no longer does).
 */
export function checkDetachAllowed(plan: PlanTerms | null, serviceCancelled: boolean, pkg: PackageRef): Refusal | null {
  if (!plan || serviceCancelled) return null;
  if (!plan.packages.some((p) => p.packageId === pkg.id && p.mandatory)) return null;
  return { rule: 'R9', message: `package ${pkg.id} ("${pkg.description}") is mandatory in plan ${plan.id} ("${plan.name}") and cannot be detached while the plan is in force` };
}

/** R11: when a trial package given at `start` ends, or `null` when it is not a trial. */
export function trialEndsAt(planPackage: PlanPackage, start: Date): Date | null {
  return planPackage.trialDays > 0 ? new Date(start.getTime() + planPackage.trialDays * DAY_MS) : null;
}

/** A package the customer holds (or is about to hold), reduced to what R10 looks at. */
export interface HeldForSinglePackage {
  readonly packageId: string;
  readonly description: string;
  /** Integrations the package grants products on. */
  readonly integrationIds: readonly string[];
}

/**
 * R10: with *single package* on an integration, a customer holds at most one package granting
 * products of it; a second (different) package is refused. The same package held on two of the
 * customer's services is still one package (a second service on the same plan is allowed).
 */
export function checkSinglePackage(
  singlePackageIntegrations: ReadonlySet<string>,
  held: readonly HeldForSinglePackage[],
  candidate: HeldForSinglePackage,
): Refusal | null {
  for (const integrationId of candidate.integrationIds) {
    if (!singlePackageIntegrations.has(integrationId)) continue;
    const clash = held.find((other) => other.packageId !== candidate.packageId && other.integrationIds.includes(integrationId));
    if (clash) {
      return {
        rule: 'R10',
        message: `integration ${integrationId} allows a single package per customer, and the customer already holds package ${clash.packageId} ("${clash.description}"); package ${candidate.packageId} ("${candidate.description}") would be a second`,
      };
    }
  }
  return null;
}
