import { z } from 'zod';
import { Cents, Id, LoginField, ProductCode, Timestamp, Version } from './common.ts';

/**
 * `catalog.integration.changed.v1`: the integration as it is now (R1). Carries no secrets:
 * the callback secret's verifiers go to the gateway only, through `GatewayIntegrationV1`.
 */
export const IntegrationChangedV1 = z.object({
  integrationId: Id,
  version: Version,
  type: z.literal('neo'),
  description: z.string(),
  loginField: LoginField,
  singlePackage: z.boolean(),
  syncSubscriptionStatus: z.boolean(),
  active: z.boolean(),
  changedAt: Timestamp,
});
export type IntegrationChangedV1 = z.infer<typeof IntegrationChangedV1>;

/** `catalog.product.changed.v1`: a platform product after a sync (R4). */
export const ProductChangedV1 = z.object({
  integrationId: Id,
  code: ProductCode,
  name: z.string(),
  active: z.boolean(),
  version: Version,
  changedAt: Timestamp,
});
export type ProductChangedV1 = z.infer<typeof ProductChangedV1>;

/** The products a package grants on one integration (R5). */
export const PackageGrantV1 = z.object({
  integrationId: Id,
  productCodes: z.array(ProductCode),
});
export type PackageGrantV1 = z.infer<typeof PackageGrantV1>;

/** A package as other services need it: price and what it grants. */
export const PackageV1 = z.object({
  packageId: Id,
  version: Version,
  description: z.string(),
  priceCents: Cents,
  active: z.boolean(),
  grants: z.array(PackageGrantV1),
  /**
   * R5, *composição fiscal*: the price split into fiscal items, in cents, adding up to the price.
   * Billing (R18) splits each line in these proportions. Absent from older publishers.
   */
  fiscalComposition: z.array(z.object({ kind: z.string(), serviceCode: z.string(), amountCents: Cents })).optional(),
});
export type PackageV1 = z.infer<typeof PackageV1>;

/** `catalog.package.changed.v1`: a package was created or edited (price, products, active). */
export const PackageChangedV1 = PackageV1.extend({ changedAt: Timestamp });
export type PackageChangedV1 = z.infer<typeof PackageChangedV1>;

/** A package of a service plan (R6). */
export const PlanPackageV1 = z.object({
  packageId: Id,
  /** R9: cannot be detached from a service while the plan is in force. */
  mandatory: z.boolean(),
  /** R11: 0 = not a trial; otherwise the package is free for this many days, then removed. */
  trialDays: z.number().int().min(0).max(365),
});
export type PlanPackageV1 = z.infer<typeof PlanPackageV1>;

/** An internet service plan with its packages (R6), as other services need it. */
export const PlanV1 = z.object({
  planId: Id,
  version: Version,
  name: z.string(),
  /** Download speed in Mbit/s. */
  downloadMbps: z.number().int().positive(),
  /** Upload speed in Mbit/s. */
  uploadMbps: z.number().int().positive(),
  priceCents: Cents,
  active: z.boolean(),
  /** R8: only the plan's own packages may be attached to its services. */
  lockPackages: z.boolean(),
  packages: z.array(PlanPackageV1),
});
export type PlanV1 = z.infer<typeof PlanV1>;

/** `catalog.plan.changed.v1`: a plan was created or edited. */
export const PlanChangedV1 = PlanV1.extend({ changedAt: Timestamp });
export type PlanChangedV1 = z.infer<typeof PlanChangedV1>;

/** `rpc.catalog.plan.get.v1` request / reply (`null` when there is no plan with that id). */
export const GetPlanRequestV1 = z.object({ planId: Id });
export type GetPlanRequestV1 = z.infer<typeof GetPlanRequestV1>;
export const GetPlanReplyV1 = z.object({ plan: PlanV1.nullable() });
export type GetPlanReplyV1 = z.infer<typeof GetPlanReplyV1>;

/** `rpc.catalog.package.get.v1` request. */
export const GetPackageRequestV1 = z.object({ packageId: Id });
export type GetPackageRequestV1 = z.infer<typeof GetPackageRequestV1>;

/** `rpc.catalog.package.get.v1` reply: the package, or `null` when there is none with that id. */
export const GetPackageReplyV1 = z.object({ package: PackageV1.nullable() });
export type GetPackageReplyV1 = z.infer<typeof GetPackageReplyV1>;

/** `rpc.catalog.integration.get.v1` request / reply. */
export const GetIntegrationRequestV1 = z.object({ integrationId: Id });
export type GetIntegrationRequestV1 = z.infer<typeof GetIntegrationRequestV1>;
export const GetIntegrationReplyV1 = z.object({ integration: IntegrationChangedV1.nullable() });
export type GetIntegrationReplyV1 = z.infer<typeof GetIntegrationReplyV1>;
