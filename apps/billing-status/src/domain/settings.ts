import { addDays, calendarDate } from './standing.ts';

/**
 * The provider's billing settings (R16). Stored in the database (`GET/PUT /v1/settings`); until
 * an operator saves them, the configured defaults apply.
 */
export interface BillingSettings {
  /** Days after the due date before an unpaid invoice makes the customer delinquent. */
  readonly graceDays: number;
  /** The longest trust unblock an operator may grant; 0 disables trust unblocks. */
  readonly maxTrustUnblockDays: number;
  /** `HH:MM` (24 h) in `timeZone`: when the daily evaluation runs. */
  readonly dailyEvaluationTime: string;
  /** IANA time zone in which due dates, "today" and the evaluation time are read. */
  readonly timeZone: string;
}

/** `HH:MM`, 00:00 to 23:59. */
export const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time of an instant in a time zone, as `HH:MM`. */
export function timeOfDay(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
}

/**
 * The latest day whose daily evaluation is due at `now`: today once the evaluation time has
 * passed in the provider's zone, else yesterday. A replica that was down at the evaluation time
 * runs it as soon as it is back.
 */
export function dueEvaluationDay(now: Date, settings: Pick<BillingSettings, 'dailyEvaluationTime' | 'timeZone'>): string {
  const today = calendarDate(now, settings.timeZone);
  return timeOfDay(now, settings.timeZone) >= settings.dailyEvaluationTime ? today : addDays(today, -1);
}
