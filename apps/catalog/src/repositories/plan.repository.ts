import { escapeLike } from '@sva/db';
import { subjects, type PlanV1 } from '@sva/contracts';
import { enqueue } from '@sva/outbox';
import type { Tx } from '../context.ts';
import { planNotFound } from '../domain/errors.ts';
import type { PlanPackageEntry } from '../domain/plan.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { afterCreated, createdOrder, toPage, type Page, type PageRequest } from './pagination.ts';

/** An internet service plan with its packages (R6), as the catalog keeps it. */
export interface CatalogPlan {
  readonly id: string;
  readonly name: string;
  readonly downloadMbps: number;
  readonly uploadMbps: number;
  readonly priceCents: number;
  readonly active: boolean;
  readonly lockPackages: boolean;
  readonly packages: readonly PlanPackageEntry[];
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

const withPackages = { packages: { orderBy: { position: 'asc' } } } satisfies Prisma.PlanInclude;
type PlanRow = Prisma.PlanGetPayload<{ include: typeof withPackages }>;

function toCatalogPlan(row: PlanRow): CatalogPlan {
  return {
    id: row.id,
    name: row.name,
    downloadMbps: row.downloadMbps,
    uploadMbps: row.uploadMbps,
    priceCents: row.priceCents,
    active: row.active,
    lockPackages: row.lockPackages,
    packages: row.packages.map((entry) => ({ packageId: entry.packageId, mandatory: entry.mandatory, trialDays: entry.trialDays })),
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The plan, or `null` when it does not exist. */
export async function findPlan(db: Tx, id: string): Promise<CatalogPlan | null> {
  const row = await db.plan.findUnique({ where: { id }, include: withPackages });
  return row ? toCatalogPlan(row) : null;
}

export async function loadPlan(db: Tx, id: string): Promise<CatalogPlan> {
  const found = await findPlan(db, id);
  if (!found) throw planNotFound(id);
  return found;
}

/** A plan as other services see it (`PlanV1`). */
export function toPlanV1(plan: CatalogPlan): PlanV1 {
  return {
    planId: plan.id,
    version: plan.version,
    name: plan.name,
    downloadMbps: plan.downloadMbps,
    uploadMbps: plan.uploadMbps,
    priceCents: plan.priceCents,
    active: plan.active,
    lockPackages: plan.lockPackages,
    packages: plan.packages.map((entry) => ({ ...entry })),
  };
}

/** Write a plan's state: the row and its packages (replacing the old ones). */
export async function savePlan(tx: Tx, plan: Omit<CatalogPlan, 'createdAt' | 'updatedAt'>, mode: 'create' | 'update'): Promise<void> {
  const data = {
    name: plan.name,
    downloadMbps: plan.downloadMbps,
    uploadMbps: plan.uploadMbps,
    priceCents: plan.priceCents,
    active: plan.active,
    lockPackages: plan.lockPackages,
    version: plan.version,
  };
  if (mode === 'create') await tx.plan.create({ data: { id: plan.id, ...data } });
  else {
    await tx.plan.update({ where: { id: plan.id }, data });
    await tx.planPackage.deleteMany({ where: { planId: plan.id } });
  }
  await tx.planPackage.createMany({
    data: plan.packages.map((entry, position) => ({ planId: plan.id, packageId: entry.packageId, position, mandatory: entry.mandatory, trialDays: entry.trialDays })),
  });
}

/** Announce a plan's new state (`catalog.plan.changed.v1`). Call inside the transaction that changed it. */
export async function announcePlan(tx: Tx, plan: CatalogPlan, now: Date): Promise<void> {
  await enqueue(tx, { subject: subjects.catalog.planChanged, payload: { ...toPlanV1(plan), changedAt: now.toISOString() } });
}

export interface PlanFilter extends PageRequest {
  readonly active?: boolean | undefined;
  /** Plans listing this package. */
  readonly packageId?: string | undefined;
  /** Case-insensitive part of the name. */
  readonly q?: string | undefined;
}

/** One page of plans, oldest first. */
export async function listPlans(db: Tx, filter: PlanFilter): Promise<Page<CatalogPlan>> {
  const rows = await db.plan.findMany({
    where: {
      AND: [
        afterCreated(filter.cursor),
        filter.active === undefined ? {} : { active: filter.active },
        filter.packageId === undefined ? {} : { packages: { some: { packageId: filter.packageId } } },
        filter.q === undefined ? {} : { name: { contains: escapeLike(filter.q), mode: 'insensitive' as const } },
      ],
    },
    include: withPackages,
    orderBy: createdOrder,
    take: filter.limit + 1,
  });
  return toPage(rows, filter.limit, toCatalogPlan);
}

/**
 * R10 bookkeeping: the active plans listing `packageId` (or, without it, any package granting
 * `integrationId`'s products), each with its packages' descriptions and granted integrations.
 */
export async function activePlansWithGrants(db: Tx, where: { packageId: string } | { integrationId: string }) {
  const rows = await db.plan.findMany({
    where: {
      active: true,
      packages: { some: 'packageId' in where ? { packageId: where.packageId } : { package: { products: { some: { integrationId: where.integrationId } } } } },
    },
    include: {
      packages: {
        orderBy: { position: 'asc' },
        include: { package: { select: { id: true, description: true, active: true, products: { select: { integrationId: true }, distinct: ['integrationId'] } } } },
      },
    },
    orderBy: createdOrder,
  });
  return rows.map((plan) => ({
    id: plan.id,
    name: plan.name,
    packages: plan.packages.map((entry) => ({
      packageId: entry.package.id,
      description: entry.package.description,
      active: entry.package.active,
      integrationIds: entry.package.products.map((product) => product.integrationId),
    })),
  }));
}
