import { type AuthoriseReasonV1, reasonForGrantState } from '@sva/contracts';

/**
 * The reason codes of the callback contract (`AuthoriseReasonV1`), answered by the gateway. The
 * gateway derives them from the entitlement records this service publishes; the explain view
 * derives them from the same `computeEntitlement` decision, with the same mapping
 * (`reasonForGrantState` in the contracts), so the two never disagree about why.
 */
export type AuthoriseReason = AuthoriseReasonV1;

/** R15: the reason a grant state gives (only `active` allows); the contracts' mapping. */
export const reasonForState = reasonForGrantState;

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
