import { describe, expect, it } from 'vitest';
import { dueEvaluationDay, isTimeZone, timeOfDay } from './settings.ts';

describe('daily evaluation time (R16)', () => {
  const settings = { dailyEvaluationTime: '06:00', timeZone: 'America/Sao_Paulo' };

  it('when the evaluation time has passed in the provider zone, then today is due; before it, yesterday still is', () => {
    // 09:00 UTC is 06:00 in São Paulo (UTC−3).
    expect(dueEvaluationDay(new Date('2026-11-26T09:00:00Z'), settings)).toBe('2026-11-26');
    expect(dueEvaluationDay(new Date('2026-11-26T08:59:00Z'), settings)).toBe('2026-11-25');
    // 02:00 UTC on the 27th is still the 26th, 23:00, in São Paulo.
    expect(dueEvaluationDay(new Date('2026-11-27T02:00:00Z'), settings)).toBe('2026-11-26');
  });

  it('when formatting midnight, then it reads 00:00 (never 24:00)', () => {
    expect(timeOfDay(new Date('2026-11-26T03:00:00Z'), 'America/Sao_Paulo')).toBe('00:00');
  });

  it('when a time zone is not IANA, then it is rejected', () => {
    expect(isTimeZone('America/Sao_Paulo')).toBe(true);
    expect(isTimeZone('Brasil/Nowhere')).toBe(false);
  });
});
