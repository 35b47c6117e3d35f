/**
 * A *competência*: a calendar month in the provider's time zone, written `YYYY-MM`. Days are
 * written `YYYY-MM-DD` (local dates), so comparing two as strings compares them in time.
 */
export type Period = string;

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Whether `text` is a `YYYY-MM` period (years 2000–9999). */
export function isPeriod(text: string): boolean {
  const match = PERIOD.exec(text);
  return match !== null && Number(match[1]) >= 2000;
}

function parts(period: Period): [number, number] {
  const match = PERIOD.exec(period);
  if (!match) throw new RangeError(`not a YYYY-MM period: ${period}`);
  return [Number(match[1]), Number(match[2])];
}

/** How many days the period has (28–31). */
export function daysInPeriod(period: Period): number {
  const [year, month] = parts(period);
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const periodDays = new Map<Period, readonly string[]>();

/** The period's days, first to last, as `YYYY-MM-DD` (worked out once per period: a close asks for them per attachment). */
export function daysOf(period: Period): readonly string[] {
  let days = periodDays.get(period);
  if (!days) {
    days = Object.freeze(Array.from({ length: daysInPeriod(period) }, (_, index) => `${period}-${String(index + 1).padStart(2, '0')}`));
    if (periodDays.size >= 1_000) periodDays.clear();
    periodDays.set(period, days);
  }
  return days;
}

/** The month after `period`. */
export function nextPeriod(period: Period): Period {
  const [year, month] = parts(period);
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
}

/** The period a local date (`YYYY-MM-DD`) falls in. */
export function periodOfDate(date: string): Period {
  return date.slice(0, 7);
}
