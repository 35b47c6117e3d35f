import type { EntitlementV1, GatewayIntegrationV1, GrantState, SubscriberStatus } from '@sva/contracts';

/**
 * Why authorise answered as it did (R15). `subscribed` is the only reason that allows; the
 * others name what a support agent would look at first. The subscriptions service's "explain"
 * view words the same states for people.
 */
export type AuthoriseReason =
  | 'subscribed'
  | 'not_subscribed'
  | 'service_suspended_debt'
  | 'service_suspended_request'
  | 'service_pending_installation'
  | 'service_cancelled'
  | 'trial_ended'
  | 'integration_inactive'
  | 'unknown_subscriber';

export interface AuthoriseDecision {
  readonly allowed: boolean;
  readonly reason: AuthoriseReason;
}

const reasonByState: Record<GrantState, AuthoriseReason> = {
  active: 'subscribed',
  suspended_debt: 'service_suspended_debt',
  suspended_request: 'service_suspended_request',
  pending_installation: 'service_pending_installation',
  trial_ended: 'trial_ended',
  cancelled: 'service_cancelled',
};

/** R1, R15: may this subscriber use this product now? */
export function authorise(integration: GatewayIntegrationV1, entitlement: EntitlementV1 | undefined, product: string): AuthoriseDecision {
  if (!integration.active) return { allowed: false, reason: 'integration_inactive' };
  if (!entitlement) return { allowed: false, reason: 'unknown_subscriber' };
  const grant = entitlement.grants.find((g) => g.product === product);
  if (!grant) return { allowed: false, reason: 'not_subscribed' };
  return { allowed: grant.state === 'active', reason: reasonByState[grant.state] };
}

export type IdentifyDecision =
  | { readonly identified: true; readonly subscriberId: string; readonly status: SubscriberStatus }
  | { readonly identified: false; readonly reason: 'unknown_login' | 'wrong_password' | 'integration_inactive' };
