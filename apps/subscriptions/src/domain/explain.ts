import type { GrantState } from '@sva/contracts';
import { calendarDate } from './calendar.ts';
import { computeEntitlement, effectiveStatus, grantState, type CustomerSnapshot, type IntegrationTerms } from './entitlement.ts';
import type { LoginHasher } from './login-keys.ts';
import { checkPlanAllowsPackage, checkSinglePackage, type HeldForSinglePackage, type PlanTerms } from './plan.ts';
import { reasonForState, type AuthoriseReason } from './reasons.ts';

/** An integration as explain needs it. */
export interface ExplainIntegration extends IntegrationTerms {
  /** R1: an inactive integration authorises nobody. */
  readonly active: boolean;
  readonly singlePackage: boolean;
}

/** A catalog package that grants the product on the integration (what the customer could get). */
export interface Offer {
  readonly packageId: string;
  readonly description: string;
  readonly active: boolean;
}

/** Everything the explanation is built from; the use case loads it, nothing here does I/O. */
export interface ExplainInput {
  readonly product: string;
  readonly integration: ExplainIntegration;
  /** R13: the customer's subscriber id on the integration, `null` when it never had one. */
  readonly subscriberId: string | null;
  /** The customer seen from this integration: held packages reduced to the products they grant there. */
  readonly customer: CustomerSnapshot;
  /** billing-status's words for why the customer is delinquent. */
  readonly delinquencyReason: string | null;
  /** Package descriptions by id (held packages and offers). */
  readonly packageNames: ReadonlyMap<string, string>;
  /** Network login of each service, to name services as operators know them. */
  readonly serviceLogins: ReadonlyMap<string, string | null>;
  /** The plan of each service that has one. */
  readonly plans: ReadonlyMap<string, PlanTerms>;
  /** Catalog packages granting the product on this integration. */
  readonly offers: readonly Offer[];
  /** What the customer holds now, for R10 (single package). */
  readonly heldForSinglePackage: readonly HeldForSinglePackage[];
  /** The record the gateway's view was last fed: its version and the product's state there. */
  readonly published: { readonly version: number; readonly state: GrantState | null } | null;
  readonly hasher: LoginHasher;
  readonly now: Date;
  readonly timeZone: string;
}

/** Allowed or not, the gateway's reason code, and why in words a support agent understands. */
export interface Explanation {
  readonly integrationId: string;
  readonly subscriberId: string | null;
  readonly product: string;
  readonly allowed: boolean;
  /** The reason code the gateway answers NEO with for the same state. */
  readonly reason: AuthoriseReason;
  /** One sentence: the decisive fact. */
  readonly summary: string;
  /** Supporting facts: every holding of the product, what could grant it, what the gateway has. */
  readonly details: string[];
  /** What the gateway's view was last fed for this customer, when anything. */
  readonly gatewayView: { readonly version: number; readonly reason: AuthoriseReason } | null;
}

/**
 * R15 (with R1, R8, R10, R11, R12, R13, R17) in words: may this customer use `product` on this
 * integration now, and why. The decision itself is `computeEntitlement`'s — the function the
 * published entitlement records come from — so the answer here and the gateway's reason code
 * cannot drift apart.
 */
export function explainProduct(input: ExplainInput): Explanation {
  const { product, integration, customer } = input;
  const ids = { integrationId: integration.id, subscriberId: input.subscriberId, product };
  const gatewayView = input.published ? { version: input.published.version, reason: input.published.state ? reasonForState[input.published.state] : 'not_subscribed' as const } : null;
  const date = (at: Date) => calendarDate(at, input.timeZone);
  const pkg = (id: string) => `package "${input.packageNames.get(id) ?? id}" (${id})`;
  const svc = (id: string) => {
    const login = input.serviceLogins.get(id);
    return login ? `service ${id} (login ${login})` : `service ${id}`;
  };

  const decision = computeEntitlement(customer, integration, input.hasher, input.now).decisions.find((d) => d.product === product);
  const details: string[] = [];

  // Every holding of the product, best first as R15 ranks them.
  for (const service of customer.services) {
    const status = effectiveStatus(service.status, customer.delinquent, integration);
    for (const held of service.packages) {
      if (!held.products.includes(product)) continue;
      const state = grantState(status, held, integration, input.now);
      details.push(`${svc(service.id)} (${words.status[service.status]}) holds ${pkg(held.packageId)}${held.detachedAt ? `, detached on ${date(held.detachedAt)}` : ''}: ${words.state[state]}`);
    }
  }

  let reason: AuthoriseReason;
  let summary: string;
  if (!input.subscriberId) {
    reason = 'unknown_subscriber';
    summary = `the customer has never held a package of integration ${integration.id}, so it has no subscriber id there (R13) and NEO cannot identify them`;
    details.push(...offerDetails(input, pkg, svc));
  } else if (!decision) {
    reason = 'not_subscribed';
    const offers = offerDetails(input, pkg, svc);
    summary = `no package the customer holds or held grants ${product} on integration ${integration.id}` + (offers.length > 0 ? `; ${offers[0]}` : '; no package in the catalog grants it');
    details.push(...offers);
  } else {
    reason = reasonForState[decision.state];
    const where = `${svc(decision.serviceId)}`;
    switch (decision.state) {
      case 'active':
        summary = `allowed: ${where} is ${words.status[decision.serviceStatus]} and holds ${pkg(decision.packageId)}, which grants ${product}` +
          (decision.trialEndsAt ? ` (trial until ${date(decision.trialEndsAt)})` : '');
        if (!integration.syncSubscriptionStatus && decision.serviceStatus !== 'enabled') {
          details.push(`integration ${integration.id} does not sync subscription status, so any service that is not cancelled counts (R15)`);
        }
        break;
      case 'suspended_debt':
        summary = decision.suspendedForDelinquency
          ? `${where} is suspended for debt: the customer is delinquent${input.delinquencyReason ? ` (${input.delinquencyReason})` : ''} and integration ${integration.id} syncs subscription status (R17)`
          : `${where} is suspended for debt`;
        break;
      case 'suspended_request':
        summary = `${where} is suspended at the customer's request`;
        break;
      case 'pending_installation':
        summary = `${where} is awaiting installation; ${product} is granted once the service is enabled (R12)`;
        break;
      case 'trial_ended':
        summary = `the trial of ${pkg(decision.packageId)} on ${where} ended on ${date(decision.trialEndsAt ?? decision.detachedAt ?? input.now)} (R11)`;
        break;
      case 'cancelled':
        summary = decision.detachedAt
          ? `${pkg(decision.packageId)} was detached from ${where} on ${date(decision.detachedAt)} (R12)`
          : `${where} is cancelled (R12)`;
        break;
    }
    if (decision.state !== 'active') details.push(...offerDetails(input, pkg, svc));
  }

  let allowed = reason === 'subscribed';
  if (!integration.active) {
    details.unshift(`were the integration active: ${summary}`);
    summary = `integration ${integration.id} is inactive: it authorises nobody (R1)`;
    reason = 'integration_inactive';
    allowed = false;
  }
  if (gatewayView && gatewayView.reason !== reason && reason !== 'integration_inactive') {
    details.push(`the gateway's view (record version ${gatewayView.version}) still answers ${gatewayView.reason}; it follows as soon as the pending change is published`);
  }
  return { ...ids, allowed, reason, summary, details, gatewayView };
}

/** What could grant the product: each catalog package, and whether R5/R8/R10 let the customer have it. */
function offerDetails(input: ExplainInput, pkg: (id: string) => string, svc: (id: string) => string): string[] {
  const live = input.customer.services.filter((service) => service.status !== 'cancelled');
  return input.offers.map((offer) => {
    const name = `${pkg(offer.packageId)} grants ${input.product}`;
    if (!offer.active) return `${name} but is inactive in the catalog (R5)`;
    if (input.integration.singlePackage) {
      const single = checkSinglePackage(new Set([input.integration.id]), input.heldForSinglePackage, {
        packageId: offer.packageId,
        description: offer.description,
        integrationIds: [input.integration.id],
      });
      if (single) return `${name}, but ${single.message} (R10)`;
    }
    if (live.length === 0) return `${name}; the customer has no service it could be attached to`;
    const refusals = live.map((service) => ({ service, refusal: checkPlanAllowsPackage(input.plans.get(service.id) ?? null, { id: offer.packageId, description: offer.description }) }));
    const open = refusals.filter((r) => !r.refusal);
    if (open.length > 0) return `${name} and can be attached to ${open.map((r) => svc(r.service.id)).join(', ')}`;
    return `${name}, but ${refusals.map((r) => `${r.refusal!.message} (${svc(r.service.id)}, R8)`).join('; ')}`;
  });
}

const words = {
  status: {
    awaiting_installation: 'awaiting installation',
    enabled: 'enabled',
    suspended_debt: 'suspended for debt',
    suspended_request: 'suspended on request',
    cancelled: 'cancelled',
  },
  state: {
    active: 'grants it',
    suspended_debt: 'suspended for debt',
    suspended_request: 'suspended on request',
    pending_installation: 'waiting for installation',
    trial_ended: 'trial ended',
    cancelled: 'no longer grants it',
  },
} as const;
