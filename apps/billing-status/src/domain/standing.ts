import type { Standing, StandingChangedV1 } from '@sva/contracts';

/** `YYYY-MM-DD` plus `days` (negative to go back). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The calendar date of an instant in a time zone, as `YYYY-MM-DD`. */
export function calendarDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/**
 * R16: an open invoice is overdue past grace when its due date plus the grace days is before
 * today, i.e. when its due date is before this cutoff. (Due 2026-11-20 with 5 grace days: still
 * fine on the 25th, overdue past grace from the 26th.)
 */
export function graceCutoff(today: string, graceDays: number): string {
  return addDays(today, -graceDays);
}

/** R16: whether an open invoice due on `dueDate` is overdue past grace on `today`. */
export function isOverduePastGrace(dueDate: string, graceDays: number, today: string): boolean {
  return dueDate < graceCutoff(today, graceDays);
}

/** The first day an invoice due on `dueDate` counts as overdue past grace. */
export function overduePastGraceFrom(dueDate: string, graceDays: number): string {
  return addDays(dueDate, graceDays + 1);
}

/** What a customer's standing is judged from, read from the database for one customer. */
export interface StandingInputs {
  /** The oldest open invoice overdue past grace (`isOverduePastGrace`), if any. */
  readonly oldestOverdue: { readonly invoiceId: string; readonly dueDate: string } | null;
  /** How many open invoices are overdue past grace. */
  readonly overdueCount: number;
  /** The trust unblock in force when last judged, if any. */
  readonly trust: { readonly id: string; readonly until: Date } | null;
}

/** The outcome of judging a customer (R16), with the why a support agent is shown. */
export interface StandingVerdict {
  readonly standing: Standing;
  readonly reason: string;
  /** The oldest invoice overdue past grace, covered by a trust unblock or not. */
  readonly overdue: { readonly invoiceId: string; readonly dueDate: string; readonly since: string } | null;
  /** The trust unblock still in force after this judgement. */
  readonly trust: { readonly id: string; readonly until: Date } | null;
  /** A trust unblock that stopped counting now: its time ran out, or nothing is overdue any more. */
  readonly trustEnded: { readonly id: string; readonly reason: 'expired' | 'settled'; readonly at: Date } | null;
}

/** Why a customer with nothing overdue is in good standing. */
export function goodReason(graceDays: number): string {
  return `no invoice overdue past the ${graceDays}-day grace period`;
}

/**
 * R16: delinquent when some open invoice is overdue past the grace days; in good standing when
 * none is. A trust unblock in force (`until` still ahead) makes a delinquent customer count as in
 * good standing; once its time runs out the customer is delinquent again, and once nothing is
 * overdue it has served its purpose and ends (a later debt is not covered by it).
 */
export function judgeStanding(inputs: StandingInputs, settings: { readonly graceDays: number }, now: Date): StandingVerdict {
  const { oldestOverdue, overdueCount, trust } = inputs;
  const trustRunning = trust !== null && trust.until.getTime() > now.getTime();
  const trustEnded =
    trust === null
      ? null
      : !trustRunning
        ? { id: trust.id, reason: 'expired' as const, at: trust.until }
        : oldestOverdue === null
          ? { id: trust.id, reason: 'settled' as const, at: now }
          : null;
  if (oldestOverdue === null) return { standing: 'good', reason: goodReason(settings.graceDays), overdue: null, trust: null, trustEnded };
  const more = overdueCount > 1 ? ` (and ${overdueCount - 1} more)` : '';
  const debt = `invoice ${oldestOverdue.invoiceId} due ${oldestOverdue.dueDate} is unpaid past ${settings.graceDays} grace days${more}`;
  const overdue = { ...oldestOverdue, since: overduePastGraceFrom(oldestOverdue.dueDate, settings.graceDays) };
  if (trustRunning) return { standing: 'good', reason: `trust unblock until ${trust.until.toISOString()}; ${debt}`, overdue, trust, trustEnded: null };
  return { standing: 'delinquent', reason: debt, overdue, trust: null, trustEnded };
}

/** A customer's stored standing. */
export interface StandingRecord {
  readonly customerId: string;
  readonly standing: Standing;
  readonly reason: string;
  /** When the current standing began. */
  readonly since: Date;
  /** Version of the last announced change (0: never changed). */
  readonly version: number;
  readonly overdueInvoiceId: string | null;
  readonly overdueSince: string | null;
  readonly trustUnblockId: string | null;
  readonly trustUntil: Date | null;
  readonly updatedAt: Date;
}

/** What applying a verdict to a stored standing does. */
export type StandingUpdate =
  | { readonly kind: 'unchanged' }
  /** The why changed (another invoice, a trust unblock), the standing did not: stored, not announced. */
  | { readonly kind: 'details'; readonly record: StandingRecord }
  /** The standing changed: stored with a new version and announced (`billing.standing.changed.v1`). */
  | { readonly kind: 'changed'; readonly record: StandingRecord; readonly event: StandingChangedV1 };

/** Compare a verdict with the stored standing and say what to write (R16, R17: versions are monotonic per customer). */
export function nextStanding(current: StandingRecord, verdict: StandingVerdict, now: Date): StandingUpdate {
  const details = {
    reason: verdict.reason,
    overdueInvoiceId: verdict.overdue?.invoiceId ?? null,
    overdueSince: verdict.overdue?.since ?? null,
    trustUnblockId: verdict.trust?.id ?? null,
    trustUntil: verdict.trust?.until ?? null,
  };
  if (verdict.standing !== current.standing) {
    const version = current.version + 1;
    const record: StandingRecord = { ...current, ...details, standing: verdict.standing, since: now, version, updatedAt: now };
    const event: StandingChangedV1 = { customerId: current.customerId, version, standing: verdict.standing, reason: verdict.reason, changedAt: now.toISOString() };
    return { kind: 'changed', record, event };
  }
  const same =
    details.reason === current.reason &&
    details.overdueInvoiceId === current.overdueInvoiceId &&
    details.overdueSince === current.overdueSince &&
    details.trustUnblockId === current.trustUnblockId &&
    (details.trustUntil?.getTime() ?? null) === (current.trustUntil?.getTime() ?? null);
  return same ? { kind: 'unchanged' } : { kind: 'details', record: { ...current, ...details, updatedAt: now } };
}
