import { subjects, type PackageV1 } from '@sva/contracts';
import { enqueue } from '@sva/outbox';
import type { CatalogContext, Tx } from '../context.ts';
import { packageNotFound, productsNotGrantable } from '../domain/errors.ts';
import { checkGrants, productKey, type PackageGrant } from '../domain/package.ts';

export interface CreatePackageInput {
  readonly description: string;
  readonly priceCents: number;
  readonly active: boolean;
  readonly grants: readonly PackageGrant[];
}

/** R5: create a package granting synced, active products; announced with its grants. */
export async function createPackage(ctx: CatalogContext, input: CreatePackageInput): Promise<PackageV1> {
  const id = ctx.newId();
  const now = ctx.clock.now();
  return ctx.transaction(async (tx) => {
    const products = await tx.product.findMany({
      where: { OR: input.grants.map((grant) => ({ integrationId: grant.integrationId, code: { in: [...grant.productCodes] } })) },
    });
    const issues = checkGrants(input.grants, new Map(products.map((p) => [productKey(p.integrationId, p.code), p])));
    if (issues.length > 0) throw productsNotGrantable(issues);
    await tx.package.create({
      data: {
        id,
        description: input.description,
        priceCents: input.priceCents,
        active: input.active,
        version: 1,
        products: {
          create: input.grants.flatMap((grant) => grant.productCodes.map((productCode) => ({ integrationId: grant.integrationId, productCode }))),
        },
      },
    });
    const created = await loadPackage(tx, id);
    await enqueue(tx, { subject: subjects.catalog.packageChanged, payload: { ...created, changedAt: now.toISOString() } });
    return created;
  });
}

/** A package with its grants, as other services see it; `null` when it does not exist. */
export async function findPackage(db: Tx, id: string): Promise<PackageV1 | null> {
  const row = await db.package.findUnique({ where: { id }, include: { products: { orderBy: [{ integrationId: 'asc' }, { productCode: 'asc' }] } } });
  if (!row) return null;
  const grants = new Map<string, string[]>();
  for (const product of row.products) {
    const codes = grants.get(product.integrationId) ?? [];
    codes.push(product.productCode);
    grants.set(product.integrationId, codes);
  }
  return {
    packageId: row.id,
    version: row.version,
    description: row.description,
    priceCents: row.priceCents,
    active: row.active,
    grants: [...grants].map(([integrationId, productCodes]) => ({ integrationId, productCodes })),
  };
}

export async function loadPackage(db: Tx, id: string): Promise<PackageV1> {
  const found = await findPackage(db, id);
  if (!found) throw packageNotFound(id);
  return found;
}
