import { describe, expect, it } from 'vitest';
import { calendarDate, calendarMonth, isTimeZone } from './calendar.ts';

describe('calendar dates in the provider time zone', () => {
  it('when an instant is just after midnight UTC, then in São Paulo it is still the previous day (and month)', () => {
    const at = new Date('2026-12-01T02:00:00Z');
    expect(calendarDate(at, 'America/Sao_Paulo')).toBe('2026-11-30');
    expect(calendarMonth(at, 'America/Sao_Paulo')).toBe('2026-11');
    expect(calendarMonth(at, 'UTC')).toBe('2026-12');
  });

  it('when a time zone name is unknown, then it is not accepted', () => {
    expect(isTimeZone('America/Sao_Paulo')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
