import { describe, expect, it } from 'vitest';
import { calendarDate, calendarMonth, isTimeZone } from './calendar.ts';

describe('calendar dates in the provider time zone', () => {
  it('when an instant is just after midnight UTC, then in São Paulo it is still the previous day (and month)', () => {
    const at = new Date('2026-12-01T02:00:00Z');
    expect(calendarDate(at, 'America/Sao_Paulo')).toBe('2026-11-30');
    expect(calendarMonth(at, 'America/Sao_Paulo')).toBe('2026-11');
    expect(calendarMonth(at, 'UTC')).toBe('2026-12');
  });

  it('when dates are remembered per quarter hour, then every instant still gets its exact local date (DST changes, half and three-quarter hour offsets)', () => {
    const zones = ['America/Sao_Paulo', 'America/New_York', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Europe/Lisbon', 'UTC'];
    const from = Date.parse('2018-01-01T00:00:00Z');
    const to = Date.parse('2019-03-01T00:00:00Z');
    for (const timeZone of zones) {
      const exact = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
      // Every 7 minutes 13 seconds, on and off the quarters, through Brazil's last DST (began at local midnight, Nov 2018).
      for (let ms = from; ms < to; ms += 433_000) {
        const at = new Date(ms);
        if (calendarDate(at, timeZone) !== exact.format(at)) expect.fail(`${timeZone} ${at.toISOString()}: ${calendarDate(at, timeZone)} ≠ ${exact.format(at)}`);
      }
    }
  });

  it('when a time zone name is unknown, then it is not accepted', () => {
    expect(isTimeZone('America/Sao_Paulo')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
