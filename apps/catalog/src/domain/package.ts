import type { FieldIssue } from '@sva/kernel';

/** The products a package grants on one integration. */
export interface PackageGrant {
  readonly integrationId: string;
  readonly productCodes: readonly string[];
}

/** Where a product stands in the catalog, keyed `<integrationId>/<code>`. */
export type ProductAvailability = ReadonlyMap<string, { readonly active: boolean }>;

export const productKey = (integrationId: string, code: string) => `${integrationId}/${code}`;

/**
 * R5: a package may grant only synced (known), active products of each integration, each once.
 * Returns one field issue per offending product; empty when the grants are acceptable.
 */
export function checkGrants(grants: readonly PackageGrant[], available: ProductAvailability): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seenIntegrations = new Set<string>();
  grants.forEach((grant, g) => {
    if (seenIntegrations.has(grant.integrationId)) {
      issues.push({ path: `grants.${g}.integrationId`, message: 'integration listed twice; merge its products into one entry', rule: 'R5' });
    }
    seenIntegrations.add(grant.integrationId);
    const seenCodes = new Set<string>();
    grant.productCodes.forEach((code, p) => {
      const path = `grants.${g}.productCodes.${p}`;
      if (seenCodes.has(code)) issues.push({ path, message: `product '${code}' listed twice`, rule: 'R5' });
      seenCodes.add(code);
      const product = available.get(productKey(grant.integrationId, code));
      if (!product) issues.push({ path, message: `product '${code}' was never synced from this integration`, rule: 'R5' });
      else if (!product.active) issues.push({ path, message: `product '${code}' is inactive (the platform no longer lists it)`, rule: 'R5' });
    });
  });
  return issues;
}
