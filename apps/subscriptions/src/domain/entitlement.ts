import { createHash } from 'node:crypto';
import type { EntitlementV1, GrantState, LoginField, LoginKeyV1, SubscriberStatus } from '@sva/contracts';
import type { LoginHasher } from './login-keys.ts';
import type { ServiceStatus } from './service-status.ts';

/** The integration settings that decide entitlements (R1, R15, R17). */
export interface IntegrationTerms {
  readonly id: string;
  readonly loginField: LoginField;
  readonly syncSubscriptionStatus: boolean;
}

/** A package a service holds or held, reduced to what it grants on one integration. */
export interface HeldPackage {
  readonly attachmentId: string;
  readonly packageId: string;
  /** Product codes the package grants on the integration in question. */
  readonly products: readonly string[];
  readonly trialEndsAt: Date | null;
  /** Set once detached; `detachReason` says why. */
  readonly detachedAt: Date | null;
  readonly detachReason: 'trial_ended' | 'detached' | 'service_cancelled' | null;
}

export interface ServiceSnapshot {
  readonly id: string;
  readonly status: ServiceStatus;
  /** Network login key and password verifier (R2), when the service has a login. */
  readonly login: LoginKeyV1 | null;
  readonly packages: readonly HeldPackage[];
}

export interface CustomerSnapshot {
  readonly id: string;
  /** Key and verifier of the CPF/CNPJ as a login (R2). */
  readonly document: LoginKeyV1;
  readonly email: string | null;
  readonly code: string | null;
  /** R16/R17: delinquent per billing-status; suspends platform access where the integration syncs status. */
  readonly delinquent: boolean;
  readonly services: readonly ServiceSnapshot[];
}

/** Why one product is in the state it is: which service and package decided it. */
export interface GrantDecision {
  readonly product: string;
  readonly state: GrantState;
  readonly serviceId: string;
  /** The service's status as the integration sees it (R17: enabled may read suspended_debt). */
  readonly serviceStatus: ServiceStatus;
  /** R17: the service is enabled but counts as suspended for debt because the customer is delinquent. */
  readonly suspendedForDelinquency: boolean;
  readonly attachmentId: string;
  readonly packageId: string;
  readonly trialEndsAt: Date | null;
  readonly detachedAt: Date | null;
  readonly detachReason: HeldPackage['detachReason'];
}

/** The entitlement of one customer on one integration, before it is versioned and published. */
export interface Entitlement {
  readonly status: SubscriberStatus;
  readonly logins: readonly LoginKeyV1[];
  readonly decisions: readonly GrantDecision[];
}

const rank: Record<GrantState, number> = {
  active: 0,
  suspended_debt: 1,
  suspended_request: 2,
  pending_installation: 3,
  trial_ended: 4,
  cancelled: 5,
};

/** R17: with status sync on, a delinquent customer's enabled services count as suspended for debt. */
export function effectiveStatus(status: ServiceStatus, delinquent: boolean, terms: IntegrationTerms): ServiceStatus {
  return delinquent && terms.syncSubscriptionStatus && status === 'enabled' ? 'suspended_debt' : status;
}

/** R15: a service is eligible when enabled; or, when the integration does not sync status, when not cancelled. */
export function isEligible(status: ServiceStatus, terms: IntegrationTerms): boolean {
  return status === 'enabled' || (!terms.syncSubscriptionStatus && status !== 'cancelled');
}

/** R11, R12, R15: the state one held package gives its products. */
export function grantState(service: ServiceStatus, held: HeldPackage, terms: IntegrationTerms, now: Date): GrantState {
  if (held.detachedAt !== null) return held.detachReason === 'trial_ended' ? 'trial_ended' : 'cancelled';
  if (held.trialEndsAt !== null && held.trialEndsAt <= now) return 'trial_ended';
  if (isEligible(service, terms)) return 'active';
  switch (service) {
    case 'suspended_debt':
    case 'suspended_request':
      return service;
    case 'awaiting_installation':
      return 'pending_installation';
    default:
      return 'cancelled';
  }
}

/** R1, R2: the logins a NEO user may type for this customer, per the integration's login field. */
export function loginsFor(customer: CustomerSnapshot, terms: IntegrationTerms, hasher: LoginHasher): LoginKeyV1[] {
  // Stored verifiers may predate binding: published records always carry them bound to their login (R14).
  const bound = (login: LoginKeyV1): LoginKeyV1 => ({ key: login.key, verifier: hasher.bind(login.key, login.verifier) });
  const typed = (field: LoginField, value: string): LoginKeyV1 => {
    const key = hasher.key(field, value);
    return { key, verifier: hasher.verifier(field, key, value) };
  };
  switch (terms.loginField) {
    case 'cpf_cnpj':
      return [bound(customer.document)];
    case 'email':
      return customer.email ? [typed('email', customer.email)] : [];
    case 'customer_code':
      return customer.code ? [typed('customer_code', customer.code)] : [];
    case 'login_autenticacao':
      return customer.services.flatMap((service) => (service.login ? [bound(service.login)] : []));
  }
}

/**
 * R15: what a customer may use on one integration. For each product any of the customer's
 * services holds (or held), the best state wins: one eligible service holding a package that
 * grants the product is enough to allow it.
 */
export function computeEntitlement(customer: CustomerSnapshot, terms: IntegrationTerms, hasher: LoginHasher, now: Date): Entitlement {
  const best = new Map<string, GrantDecision>();
  for (const service of customer.services) {
    const status = effectiveStatus(service.status, customer.delinquent, terms);
    for (const held of service.packages) {
      const state = grantState(status, held, terms, now);
      for (const product of held.products) {
        const current = best.get(product);
        if (!current || rank[state] < rank[current.state]) {
          best.set(product, {
            product,
            state,
            serviceId: service.id,
            serviceStatus: status,
            suspendedForDelinquency: status !== service.status,
            attachmentId: held.attachmentId,
            packageId: held.packageId,
            trialEndsAt: held.trialEndsAt,
            detachedAt: held.detachedAt,
            detachReason: held.detachReason,
          });
        }
      }
    }
  }
  const decisions = [...best.values()].sort((a, b) => a.product.localeCompare(b.product));
  return { status: subscriberStatus(customer, terms, decisions), logins: loginsFor(customer, terms, hasher), decisions };
}

function subscriberStatus(customer: CustomerSnapshot, terms: IntegrationTerms, decisions: readonly GrantDecision[]): SubscriberStatus {
  if (decisions.some((decision) => decision.state === 'active')) return 'active';
  const live = customer.services.filter((service) => service.status !== 'cancelled');
  if (live.length === 0) return 'cancelled';
  return live.some((service) => isEligible(effectiveStatus(service.status, customer.delinquent, terms), terms)) ? 'active' : 'suspended';
}

/** The published record for an entitlement. */
export function toEntitlementRecord(
  entitlement: Entitlement,
  ids: { integrationId: string; customerId: string; subscriberId: string },
  version: number,
  now: Date,
): EntitlementV1 {
  return {
    ...ids,
    version,
    status: entitlement.status,
    logins: [...entitlement.logins],
    grants: entitlement.decisions.map((decision) => ({ product: decision.product, state: decision.state })),
    changedAt: now.toISOString(),
  };
}

type Substance = Pick<EntitlementV1, 'status' | 'logins' | 'grants'>;

/** What a record says, ignoring version and time, in a canonical order. */
function canonical(record: Substance): string {
  return JSON.stringify([
    record.status,
    [...record.logins].map((l) => `${l.key}:${l.verifier}`).sort(),
    [...record.grants].map((g) => `${g.product}:${g.state}`).sort(),
  ]);
}

/** Whether two records say the same thing (ignoring version and time): unchanged records are not republished. */
export function sameEntitlement(a: Substance, b: Substance): boolean {
  return canonical(a) === canonical(b);
}

/**
 * A short digest of what a record says (ignoring version and time), kept beside the stored
 * record so that a recomputation can tell "unchanged" without reading the record back.
 */
export function entitlementDigest(record: Substance): string {
  return createHash('sha256').update(canonical(record)).digest('base64url');
}
