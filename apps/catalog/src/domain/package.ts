import type { FieldIssue } from '@sva/kernel';

/** The products a package grants on one integration. */
export interface PackageGrant {
  readonly integrationId: string;
  readonly productCodes: readonly string[];
}

/** Where a product stands in the catalog, keyed `<integrationId>/<code>`. */
export type ProductAvailability = ReadonlyMap<string, { readonly active: boolean }>;

/** What the package rules need to know about an integration. */
export interface GrantingIntegration {
  readonly description: string;
  /** Its products must be alone in a package: no other integration's products beside them. */
  readonly exclusivePackages: boolean;
}

export const productKey = (integrationId: string, code: string) => `${integrationId}/${code}`;

/**
 * R5: a package may grant only synced (known), active products of each integration, each once.
 * A product the package already grants may stay when it became inactive (the platform stopped
 * listing it): keeping it is not choosing it, and editing the package's price must not force the
 * operator to drop it. Returns one field issue per offending product; empty when acceptable.
 */
export function checkGrants(
  grants: readonly PackageGrant[],
  available: ProductAvailability,
  options: {
    /** Products (`productKey`) the package grants now. */
    readonly alreadyGranted?: ReadonlySet<string>;
    /** Integrations that exist; when given, a grant on another one is refused as such. */
    readonly integrations?: ReadonlySet<string>;
  } = {},
): FieldIssue[] {
  const alreadyGranted = options.alreadyGranted ?? new Set<string>();
  const issues: FieldIssue[] = [];
  const seenIntegrations = new Set<string>();
  grants.forEach((grant, g) => {
    if (seenIntegrations.has(grant.integrationId)) {
      issues.push({ path: `grants.${g}.integrationId`, message: 'integration listed twice; merge its products into one entry', rule: 'R5' });
    }
    seenIntegrations.add(grant.integrationId);
    if (options.integrations && !options.integrations.has(grant.integrationId)) {
      issues.push({ path: `grants.${g}.integrationId`, message: `integration ${grant.integrationId} does not exist`, rule: 'R5' });
      return;
    }
    const seenCodes = new Set<string>();
    grant.productCodes.forEach((code, p) => {
      const path = `grants.${g}.productCodes.${p}`;
      if (seenCodes.has(code)) issues.push({ path, message: `product '${code}' listed twice`, rule: 'R5' });
      seenCodes.add(code);
      const key = productKey(grant.integrationId, code);
      const product = available.get(key);
      if (!product) issues.push({ path, message: `product '${code}' was never synced from this integration`, rule: 'R5' });
      else if (!product.active && !alreadyGranted.has(key)) {
        issues.push({ path, message: `product '${code}' is inactive (the platform no longer lists it)`, rule: 'R5' });
      }
    });
  });
  return issues;
}

/**
 * R5: several integrations per package are allowed, unless one of them restricts it: an
 * integration with `exclusivePackages` wants its products alone in a package. Paths point at the
 * offending `grants.<i>.integrationId`; unknown integrations are `checkGrants`' business.
 */
export function checkExclusivity(grants: readonly PackageGrant[], integrations: ReadonlyMap<string, GrantingIntegration>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const granting = new Set(grants.filter((grant) => grant.productCodes.length > 0).map((grant) => grant.integrationId));
  grants.forEach((grant, g) => {
    const integration = integrations.get(grant.integrationId);
    const path = `grants.${g}.integrationId`;
    if (integration?.exclusivePackages && grant.productCodes.length > 0 && granting.size > 1) {
      issues.push({
        path,
        message: `integration '${integration.description}' requires its products to be alone in a package (exclusivePackages); put the other integrations' products in another package`,
        rule: 'R5',
      });
    }
  });
  return issues;
}

/**
 * The grants after setting one integration's products (the package's *Integration tab*): replaces
 * that integration's entry, appends it when new, drops it when `productCodes` is empty.
 */
export function replaceGrant(grants: readonly PackageGrant[], integrationId: string, productCodes: readonly string[]): PackageGrant[] {
  const others = grants.filter((grant) => grant.integrationId !== integrationId);
  if (productCodes.length === 0) return others;
  const index = grants.findIndex((grant) => grant.integrationId === integrationId);
  const replaced = { integrationId, productCodes: [...productCodes] };
  if (index < 0) return [...others, replaced];
  return [...grants.slice(0, index), replaced, ...grants.slice(index + 1)];
}

/** Whether two grant lists grant the same products (order does not matter). */
export function sameGrants(a: readonly PackageGrant[], b: readonly PackageGrant[]): boolean {
  const keys = (grants: readonly PackageGrant[]) =>
    grants.flatMap((grant) => grant.productCodes.map((code) => productKey(grant.integrationId, code))).sort().join('\n');
  return keys(a) === keys(b);
}
