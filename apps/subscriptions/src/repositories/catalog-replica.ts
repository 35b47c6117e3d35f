import { GetIntegrationReplyV1, GetPackageReplyV1, GetPlanReplyV1, PackageGrantV1, PlanPackageV1, subjects, type IntegrationChangedV1, type PackageV1, type PlanV1 } from '@sva/contracts';
import type { Bus } from '@sva/bus';
import { requestJson } from '@sva/service-kit';
import { z } from 'zod';
import type { CatalogReader, SubscriptionsDb, Tx } from '../context.ts';
import { catalogUnavailable } from '../domain/errors.ts';
import type { PlanTerms } from '../domain/plan.ts';

/** Keep an integration as announced, unless a newer version is already kept. Returns true when it changed. */
export async function keepIntegration(tx: Tx, integration: IntegrationChangedV1): Promise<boolean> {
  const data = {
    loginField: integration.loginField,
    singlePackage: integration.singlePackage,
    syncSubscriptionStatus: integration.syncSubscriptionStatus,
    active: integration.active,
    version: integration.version,
  };
  const updated = await tx.knownIntegration.updateMany({ where: { id: integration.integrationId, version: { lt: integration.version } }, data });
  if (updated.count > 0) return true;
  const created = await tx.knownIntegration.createMany({ data: [{ id: integration.integrationId, ...data }], skipDuplicates: true });
  return created.count > 0;
}

/** Keep a package as announced, unless a newer version is already kept. Returns true when it changed. */
export async function keepPackage(tx: Tx, pkg: PackageV1): Promise<boolean> {
  const data = {
    description: pkg.description,
    priceCents: pkg.priceCents,
    active: pkg.active,
    grants: pkg.grants,
    fiscalComposition: pkg.fiscalComposition ?? [],
    version: pkg.version,
  };
  const updated = await tx.knownPackage.updateMany({ where: { id: pkg.packageId, version: { lt: pkg.version } }, data });
  if (updated.count > 0) return true;
  const created = await tx.knownPackage.createMany({ data: [{ id: pkg.packageId, ...data }], skipDuplicates: true });
  return created.count > 0;
}

/** Keep a plan as announced (R6), unless a newer version is already kept. Returns true when it changed. */
export async function keepPlan(tx: Tx, plan: PlanV1): Promise<boolean> {
  const data = { name: plan.name, active: plan.active, lockPackages: plan.lockPackages, packages: plan.packages, version: plan.version };
  const updated = await tx.knownPlan.updateMany({ where: { id: plan.planId, version: { lt: plan.version } }, data });
  if (updated.count > 0) return true;
  const created = await tx.knownPlan.createMany({ data: [{ id: plan.planId, ...data }], skipDuplicates: true });
  return created.count > 0;
}

const Grants = z.array(PackageGrantV1);
const PlanPackages = z.array(PlanPackageV1);

/** The packages of a kept plan, parsed. */
export function planPackagesOf(row: { packages: unknown }): z.output<typeof PlanPackages> {
  return PlanPackages.parse(row.packages);
}

/** The grants of a kept package, parsed. */
export function grantsOf(row: { grants: unknown }): z.output<typeof Grants> {
  return Grants.parse(row.grants);
}

/**
 * Reads the replica first; when the catalog has announced something this service has not
 * received yet (an operator creates a package and attaches it at once), asks the catalog over
 * the bus and keeps the answer.
 */
export function catalogReader(db: SubscriptionsDb, bus: Bus, timeoutMs: number): CatalogReader {
  const ask = async <S extends z.ZodType>(subject: string, payload: unknown, schema: S): Promise<z.output<S>> => {
    try {
      return await requestJson(bus, subject, payload, schema, { timeoutMs });
    } catch (error) {
      throw catalogUnavailable(error);
    }
  };
  return {
    async getPackage(id) {
      const kept = await db.knownPackage.findUnique({ where: { id } });
      if (kept) {
        return { packageId: kept.id, version: kept.version, description: kept.description, priceCents: kept.priceCents, active: kept.active, grants: grantsOf(kept) };
      }
      const reply = await ask(subjects.rpc.catalogGetPackage, { packageId: id }, GetPackageReplyV1);
      if (reply.package) await db.$transaction((tx) => keepPackage(tx, reply.package!));
      return reply.package;
    },
    async getIntegration(id) {
      const kept = await db.knownIntegration.findUnique({ where: { id } });
      if (kept) {
        return {
          integrationId: kept.id,
          version: kept.version,
          type: 'neo',
          description: '',
          loginField: kept.loginField as IntegrationChangedV1['loginField'],
          singlePackage: kept.singlePackage,
          syncSubscriptionStatus: kept.syncSubscriptionStatus,
          active: kept.active,
          changedAt: new Date(0).toISOString(),
        };
      }
      const reply = await ask(subjects.rpc.catalogGetIntegration, { integrationId: id }, GetIntegrationReplyV1);
      if (reply.integration) await db.$transaction((tx) => keepIntegration(tx, reply.integration!));
      return reply.integration;
    },
    async getPlan(id) {
      const kept = await db.knownPlan.findUnique({ where: { id } });
      if (kept) return planTermsOf(kept);
      const reply = await ask(subjects.rpc.catalogGetPlan, { planId: id }, GetPlanReplyV1);
      if (!reply.plan) return null;
      await db.$transaction((tx) => keepPlan(tx, reply.plan!));
      return planTermsOf({ ...reply.plan, id: reply.plan.planId });
    },
  };
}

/** The rule fields of a plan (R6, R8, R9, R11). */
export function planTermsOf(row: { id: string; name: string; active: boolean; lockPackages: boolean; packages: unknown }): PlanTerms {
  return { id: row.id, name: row.name, active: row.active, lockPackages: row.lockPackages, packages: planPackagesOf(row) };
}
