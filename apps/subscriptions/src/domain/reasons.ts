import type { GrantState } from '@sva/contracts';

/**
 * The reason codes of the callback contract (`AuthoriseReasonV1`), answered by the gateway. The
 * gateway derives them from the entitlement records this service publishes; the explain view
 * derives them from the same `computeEntitlement` decision, with this same mapping, so the two
 * never disagree about why.
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
  | 'unknown_subscriber'
  | 'view_stale';

/** R15: the reason a grant state gives (only `active` allows). */
export const reasonForState: Readonly<Record<GrantState, AuthoriseReason>> = {
  active: 'subscribed',
  suspended_debt: 'service_suspended_debt',
  suspended_request: 'service_suspended_request',
  pending_installation: 'service_pending_installation',
  trial_ended: 'trial_ended',
  cancelled: 'service_cancelled',
};

/**
 * Audit storage codes of the reasons (a small integer per decision instead of its text). Append
 * only: a code, once given, keeps its meaning.
 */
export const reasonCodes: Readonly<Record<AuthoriseReason, number>> = {
  subscribed: 0,
  not_subscribed: 1,
  service_suspended_debt: 2,
  service_suspended_request: 3,
  service_pending_installation: 4,
  service_cancelled: 5,
  trial_ended: 6,
  integration_inactive: 7,
  unknown_subscriber: 8,
  view_stale: 9,
};

const reasonsByCode = new Map(Object.entries(reasonCodes).map(([reason, code]) => [code, reason as AuthoriseReason]));

/** The reason stored under `code`. */
export function reasonOfCode(code: number): AuthoriseReason {
  const reason = reasonsByCode.get(code);
  if (!reason) throw new RangeError(`no authorise reason has code ${code}`);
  return reason;
}
