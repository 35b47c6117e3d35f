/** `YYYY-MM-DD` of an instant in a time zone (the provider's, e.g. America/Sao_Paulo). */
export function calendarDate(at: Date, timeZone: string): string {
  return formatter(timeZone).format(at);
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
