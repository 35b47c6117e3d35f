/** A package on a service, as the API shows it. */
export interface Attachment {
  readonly id: string;
  readonly serviceId: string;
  readonly packageId: string;
  readonly priceCents: number;
  /** R7: true when the price was set for this customer; otherwise it follows the catalog. */
  readonly priceOverridden: boolean;
  /** R11: given by the service's plan. */
  readonly fromPlan: boolean;
  readonly trialEndsAt: string | null;
  readonly attachedAt: string;
}

export function toAttachment(row: {
  id: string;
  serviceId: string;
  packageId: string;
  priceCents: number;
  priceOverridden: boolean;
  fromPlan: boolean;
  trialEndsAt: Date | null;
  attachedAt: Date;
}): Attachment {
  return {
    id: row.id,
    serviceId: row.serviceId,
    packageId: row.packageId,
    priceCents: row.priceCents,
    priceOverridden: row.priceOverridden,
    fromPlan: row.fromPlan,
    trialEndsAt: row.trialEndsAt?.toISOString() ?? null,
    attachedAt: row.attachedAt.toISOString(),
  };
}

/** A package a service holds or held, as the customer and service views show it. */
export interface HeldAttachment extends Attachment {
  readonly packageDescription: string | null;
  readonly detachedAt: string | null;
  /** `detached`, `trial_ended`, … */
  readonly detachReason: string | null;
}

/** `row` with its package's name from `names` (package id → description) and how it ended, if it did. */
export function toHeldAttachment(
  row: Parameters<typeof toAttachment>[0] & { detachedAt: Date | null; detachReason: string | null },
  names: ReadonlyMap<string, string>,
): HeldAttachment {
  return {
    ...toAttachment(row),
    packageDescription: names.get(row.packageId) ?? null,
    detachedAt: row.detachedAt?.toISOString() ?? null,
    detachReason: row.detachReason,
  };
}
