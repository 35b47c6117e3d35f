import { AuthoriseReasonV1, type GrantState, reasonForGrantState, type SubscriberStatus } from '@sva/contracts';

/**
 * Why authorise answered as it did (R1, R15). `subscribed` is the only reason that allows; the
 * others name what a support agent would look at first. The subscriptions service's "explain"
 * view words the same states for people. `view_stale` is the gateway's own: its view is older
 * than the configured maximum and the policy is to deny.
 */
export type AuthoriseReason = AuthoriseReasonV1;

export interface AuthoriseDecision {
  readonly allowed: boolean;
  readonly reason: AuthoriseReason;
}

const reasons: readonly AuthoriseReason[] = AuthoriseReasonV1.options;

/** One frozen decision per reason: answering allocates nothing. */
const decisions = Object.fromEntries(reasons.map((reason) => [reason, Object.freeze({ allowed: reason === 'subscribed', reason })])) as Record<
  AuthoriseReason,
  AuthoriseDecision
>;

/** The decision carrying `reason` (only `subscribed` allows). */
export function decisionFor(reason: AuthoriseReason): AuthoriseDecision {
  return decisions[reason];
}

/**
 * R1, R15: may this subscriber use this product now? `subscriberKnown` says whether the
 * integration has a subscriber with that id; `grant` is the state of its grant of the product
 * (undefined when it holds none).
 */
export function authoriseSubscriber(integrationActive: boolean, subscriberKnown: boolean, grant: GrantState | undefined): AuthoriseDecision {
  if (!integrationActive) return decisions.integration_inactive;
  if (!subscriberKnown) return decisions.unknown_subscriber;
  if (grant === undefined) return decisions.not_subscribed;
  return decisions[reasonForGrantState[grant]];
}

/** R1, R15 on a whole record (the decision tables in the tests read it this way). */
export function authorise(
  integration: { readonly active: boolean },
  entitlement: { readonly grants: ReadonlyArray<{ readonly product: string; readonly state: GrantState }> } | undefined,
  product: string,
): AuthoriseDecision {
  return authoriseSubscriber(integration.active, entitlement !== undefined, entitlement?.grants.find((g) => g.product === product)?.state);
}

/**
 * What to do once the view is older than the maximum staleness (the bus has been unreachable
 * that long): keep answering from the last view (`serve`, NEO's logins keep working on data that
 * may be out of date), or deny every authorisation with `view_stale` (`deny`, nobody gets access
 * the provider may have revoked meanwhile).
 */
export type StalePolicy = 'serve' | 'deny';

/** Apply the staleness policy to a decision. */
export function withStaleness(decision: AuthoriseDecision, tooStale: boolean, policy: StalePolicy): AuthoriseDecision {
  return tooStale && policy === 'deny' ? decisions.view_stale : decision;
}

export type IdentifyDecision =
  | { readonly identified: true; readonly subscriberId: string; readonly status: SubscriberStatus }
  | { readonly identified: false; readonly reason: 'unknown_login' | 'wrong_password' | 'integration_inactive' };
