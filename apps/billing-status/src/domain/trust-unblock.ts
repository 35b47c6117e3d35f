import { DAY_MS } from '@sva/kernel';
import { customerNotDelinquent, trustUnblockActive, trustUnblockTooLong } from './errors.ts';
import type { StandingVerdict } from './standing.ts';

/** A trust unblock (desbloqueio em confiança) granted to a delinquent customer (R16). */
export interface TrustUnblockGrant {
  readonly id: string;
  readonly customerId: string;
  readonly days: number;
  readonly grantedAt: Date;
  /** `grantedAt` + `days` × 24 h: from then on the customer is delinquent again if still owing. */
  readonly until: Date;
  /** The overdue invoice the customer was delinquent for. */
  readonly invoiceId: string;
  readonly note: string | null;
}

/**
 * R16: grant a trust unblock of `days` (at most the provider's maximum) to a customer who is
 * delinquent now, judged afresh. One at a time: a customer already covered is refused rather
 * than silently extended.
 */
export function grantTrustUnblock(
  request: { readonly id: string; readonly customerId: string; readonly days: number; readonly note: string | null },
  verdict: StandingVerdict,
  maxDays: number,
  now: Date,
): TrustUnblockGrant {
  if (request.days > maxDays) throw trustUnblockTooLong(request.days, maxDays);
  if (verdict.trust) throw trustUnblockActive(request.customerId, verdict.trust.until);
  if (!verdict.overdue) throw customerNotDelinquent(request.customerId);
  return {
    ...request,
    grantedAt: now,
    until: new Date(now.getTime() + request.days * DAY_MS),
    invoiceId: verdict.overdue.invoiceId,
  };
}
