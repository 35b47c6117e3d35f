import type { PlanTerms } from '../../domain/plan.ts';
import type { Consent, ConsentChannel } from './billing-lines.ts';

/** R19: the consent an operator sends with an attach. */
export interface ConsentInput {
  readonly channel: ConsentChannel;
  /** ISO timestamp. */
  readonly at: string;
  readonly by: string;
  readonly reference?: string | undefined;
}

/** Why an attach's consent is refused, naming the request field. */
export interface ConsentRefusal {
  readonly path: string;
  readonly message: string;
}

/**
 * R19: the consent an attachment is stored with. A mandatory package of the service's plan takes
 * the plan contract's (the customer agreed to it with the plan); a free package needs none; any
 * other paid package needs the customer's own, given when it was agreed (never in the future).
 */
export function consentForAttachment(
  plan: PlanTerms | null,
  packageId: string,
  priceCents: number,
  given: ConsentInput | undefined,
  now: Date,
): { consent: Consent | null } | { refused: ConsentRefusal } {
  const mandatory = plan?.packages.some((p) => p.packageId === packageId && p.mandatory) ?? false;
  if (mandatory) return { consent: { source: 'plan_contract', channel: null, at: now.toISOString(), by: null, reference: `plan:${plan!.id}` } };
  if (!given) {
    if (priceCents === 0) return { consent: null };
    return { refused: { path: 'consent', message: "a paid package outside the plan's mandatory ones needs the customer's consent: channel, at, by (R19)" } };
  }
  if (Date.parse(given.at) > now.getTime()) return { refused: { path: 'consent.at', message: 'consent cannot be given in the future' } };
  return {
    consent: { source: 'customer', channel: given.channel, at: new Date(given.at).toISOString(), by: given.by, reference: given.reference ?? null },
  };
}
