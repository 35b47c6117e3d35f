const QUARTER_HOUR_MS = 900_000;
const quarters = new Map<string, Map<number, string>>();

/**
 * `YYYY-MM-DD` of an instant in a time zone (the provider's, e.g. America/Sao_Paulo).
 *
 * Remembered per quarter of an hour of UTC: time zones' offsets today are multiples of 15 minutes
 * and change on such boundaries, so local midnights and changes fall between quarters and every
 * instant of a quarter has the same local date. A quarter is remembered only when its first and
 * last millisecond give the same date, so the answer is exact wherever that does not hold. A
 * close computes a few dates per attachment for a million of them; `Intl` takes about 1 µs each.
 */
export function calendarDate(at: Date, timeZone: string): string {
  const quarter = Math.floor(at.getTime() / QUARTER_HOUR_MS);
  let known = quarters.get(timeZone);
  const hit = known?.get(quarter);
  if (hit !== undefined) return hit;
  const format = formatter(timeZone);
  const date = format.format(at);
  if (format.format(quarter * QUARTER_HOUR_MS) === date && format.format((quarter + 1) * QUARTER_HOUR_MS - 1) === date) {
    if (!known) quarters.set(timeZone, (known = new Map()));
    if (known.size >= 100_000) known.clear();
    known.set(quarter, date);
  }
  return date;
}

/** `YYYY-MM` of an instant in a time zone: the month a decision counts in for reports. */
export function calendarMonth(at: Date, timeZone: string): string {
  return calendarDate(at, timeZone).slice(0, 7);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    // en-CA formats dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Whether the runtime knows this IANA time zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}
