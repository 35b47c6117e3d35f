/** A product as the catalog knows it. */
export interface KnownProduct {
  readonly code: string;
  readonly name: string;
  readonly active: boolean;
}

/** A product as the platform lists it. */
export interface ListedProduct {
  readonly code: string;
  readonly name: string;
}

/** What a sync will change (R4). */
export interface SyncPlan {
  /** New codes. */
  readonly added: readonly ListedProduct[];
  /** Known codes whose name changed or that came back after being inactive. */
  readonly updated: readonly ListedProduct[];
  /** Known active codes the platform no longer lists: marked inactive, never deleted. */
  readonly deactivated: readonly string[];
  readonly unchanged: number;
}

/**
 * R4: products are upserted by code; one that vanished is marked inactive, never deleted (a
 * package may still refer to it).
 */
export function planProductSync(known: readonly KnownProduct[], listed: readonly ListedProduct[]): SyncPlan {
  const byCode = new Map(known.map((product) => [product.code, product]));
  const listedCodes = new Set(listed.map((product) => product.code));
  const added: ListedProduct[] = [];
  const updated: ListedProduct[] = [];
  let unchanged = 0;
  for (const product of listed) {
    const current = byCode.get(product.code);
    if (!current) added.push(product);
    else if (current.name !== product.name || !current.active) updated.push(product);
    else unchanged += 1;
  }
  const deactivated = known.filter((product) => product.active && !listedCodes.has(product.code)).map((product) => product.code);
  return { added, updated, deactivated, unchanged };
}
