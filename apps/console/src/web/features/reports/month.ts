/** `YYYY-MM` of `now` in `timeZone`. */
export function monthOf(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}`;
}

/** The month before `month` (`YYYY-MM`). */
export function previousMonth(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, '0')}`;
}

/** `month` and the `count` months before it, newest first. */
export function recentMonths(month: string, count: number): string[] {
  const months = [month];
  while (months.length <= count) months.push(previousMonth(months[months.length - 1]!));
  return months;
}
