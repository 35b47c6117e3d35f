import { escapeLike } from '@sva/db';
import { subjects, type PackageV1 } from '@sva/contracts';
import { enqueue } from '@sva/outbox';
import type { Tx } from '../context.ts';
import { resolveComposition, type ComponentKind, type CompositionComponent } from '../domain/composition.ts';
import { packageNotFound } from '../domain/errors.ts';
import type { PackageGrant } from '../domain/package.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { afterCreated, createdOrder, toPage, type Page, type PageRequest } from './pagination.ts';

/** A package as the catalog keeps it: PackageV1's fields plus its fiscal composition (R5). */
export interface CatalogPackage {
  readonly id: string;
  readonly description: string;
  readonly priceCents: number;
  readonly active: boolean;
  readonly version: number;
  readonly composition: readonly CompositionComponent[];
  readonly grants: readonly PackageGrant[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

const withParts = {
  components: { orderBy: { position: 'asc' } },
  products: { orderBy: [{ integrationId: 'asc' }, { productCode: 'asc' }] },
} satisfies Prisma.PackageInclude;

type PackageRow = Prisma.PackageGetPayload<{ include: typeof withParts }>;

function toCatalogPackage(row: PackageRow): CatalogPackage {
  const grants = new Map<string, string[]>();
  for (const product of row.products) {
    const codes = grants.get(product.integrationId) ?? [];
    codes.push(product.productCode);
    grants.set(product.integrationId, codes);
  }
  return {
    id: row.id,
    description: row.description,
    priceCents: row.priceCents,
    active: row.active,
    version: row.version,
    composition: row.components.map((component) => ({
      kind: component.kind as ComponentKind,
      serviceCode: component.serviceCode,
      share: component.percentBasisPoints === null ? { amountCents: component.amountCents ?? 0 } : { percent: component.percentBasisPoints / 100 },
    })),
    grants: [...grants].map(([integrationId, productCodes]) => ({ integrationId, productCodes })),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The package, or `null` when it does not exist. */
export async function findPackage(db: Tx, id: string): Promise<CatalogPackage | null> {
  const row = await db.package.findUnique({ where: { id }, include: withParts });
  return row ? toCatalogPackage(row) : null;
}

export async function loadPackage(db: Tx, id: string): Promise<CatalogPackage> {
  const found = await findPackage(db, id);
  if (!found) throw packageNotFound(id);
  return found;
}

/** A package as other services see it (`PackageV1`): the composition resolved to cents at the price (R5, for billing). */
export function toPackageV1(pkg: CatalogPackage): PackageV1 {
  return {
    packageId: pkg.id,
    version: pkg.version,
    description: pkg.description,
    priceCents: pkg.priceCents,
    active: pkg.active,
    grants: pkg.grants.map((grant) => ({ integrationId: grant.integrationId, productCodes: [...grant.productCodes] })),
    fiscalComposition: resolveComposition(pkg.composition, pkg.priceCents).map((c) => ({ kind: c.kind, serviceCode: c.serviceCode, amountCents: c.amountCents })),
  };
}

/** Write a package's state: the row, its composition and its grants (replacing the old ones). */
export async function savePackage(
  tx: Tx,
  pkg: Omit<CatalogPackage, 'createdAt' | 'updatedAt'>,
  mode: 'create' | 'update',
): Promise<void> {
  const data = { description: pkg.description, priceCents: pkg.priceCents, active: pkg.active, version: pkg.version };
  if (mode === 'create') await tx.package.create({ data: { id: pkg.id, ...data } });
  else {
    await tx.package.update({ where: { id: pkg.id }, data });
    await tx.packageComponent.deleteMany({ where: { packageId: pkg.id } });
    await tx.packageProduct.deleteMany({ where: { packageId: pkg.id } });
  }
  await tx.packageComponent.createMany({
    data: pkg.composition.map((component, position) => ({
      packageId: pkg.id,
      position,
      kind: component.kind,
      serviceCode: component.serviceCode,
      percentBasisPoints: 'percent' in component.share ? Math.round(component.share.percent * 100) : null,
      amountCents: 'amountCents' in component.share ? component.share.amountCents : null,
    })),
  });
  await tx.packageProduct.createMany({
    data: pkg.grants.flatMap((grant) => grant.productCodes.map((productCode) => ({ packageId: pkg.id, integrationId: grant.integrationId, productCode }))),
  });
}

/** Announce a package's new state (`catalog.package.changed.v1`). Call inside the transaction that changed it. */
export async function announcePackage(tx: Tx, pkg: CatalogPackage, now: Date): Promise<void> {
  await enqueue(tx, { subject: subjects.catalog.packageChanged, payload: { ...toPackageV1(pkg), changedAt: now.toISOString() } });
}

export interface PackageFilter extends PageRequest {
  readonly active?: boolean | undefined;
  /** Packages granting products of this integration. */
  readonly integrationId?: string | undefined;
  /** Packages granting this product code (of `integrationId` when given, else of any integration). */
  readonly productCode?: string | undefined;
  /** Case-insensitive part of the description. */
  readonly q?: string | undefined;
}

/** One page of packages, oldest first. */
export async function listPackages(db: Tx, filter: PackageFilter): Promise<Page<CatalogPackage>> {
  const grantFilter =
    filter.integrationId === undefined && filter.productCode === undefined
      ? {}
      : {
          products: {
            some: {
              ...(filter.integrationId === undefined ? {} : { integrationId: filter.integrationId }),
              ...(filter.productCode === undefined ? {} : { productCode: filter.productCode }),
            },
          },
        };
  const rows = await db.package.findMany({
    where: {
      AND: [
        afterCreated(filter.cursor),
        filter.active === undefined ? {} : { active: filter.active },
        filter.q === undefined ? {} : { description: { contains: escapeLike(filter.q), mode: 'insensitive' as const } },
        grantFilter,
      ],
    },
    include: withParts,
    orderBy: createdOrder,
    take: filter.limit + 1,
  });
  return toPage(rows, filter.limit, toCatalogPackage);
}
