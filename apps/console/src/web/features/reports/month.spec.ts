import { describe, expect, it } from 'vitest';
import { monthOf, previousMonth, recentMonths } from './month.ts';

describe('report months', () => {
  it('when it is already December 1st in UTC but still November in São Paulo, then the month is November', () => {
    expect(monthOf(new Date('2026-12-01T02:00:00Z'), 'America/Sao_Paulo')).toBe('2026-11');
  });

  it('when the month is January, then the previous one is December of the year before', () => {
    expect(previousMonth('2027-01')).toBe('2026-12');
    expect(previousMonth('2026-11')).toBe('2026-10');
  });

  it('when recent months are asked, then they go back across the year, newest first', () => {
    expect(recentMonths('2026-02', 3)).toEqual(['2026-02', '2026-01', '2025-12', '2025-11']);
  });
});
