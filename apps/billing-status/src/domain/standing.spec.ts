import { describe, expect, it } from 'vitest';
import { addDays, calendarDate, judgeStanding } from './standing.ts';

describe('payment standing (R16)', () => {
  const invoice = (id: string, dueDate: string, status: 'open' | 'paid' | 'cancelled' = 'open') => ({ id, dueDate, status });

  it('R16: when an open invoice is within its grace days, then the customer is in good standing', () => {
    expect(judgeStanding([invoice('A', '2026-11-20')], 5, '2026-11-25').standing).toBe('good');
  });

  it('R16: when an open invoice is overdue past the grace days, then the customer is delinquent, and the reason names it', () => {
    const verdict = judgeStanding([invoice('A', '2026-11-20'), invoice('B', '2026-11-01')], 5, '2026-11-26');
    expect(verdict.standing).toBe('delinquent');
    expect(verdict.reason).toContain('invoice B due 2026-11-01');
    expect(verdict.reason).toContain('1 more');
  });

  it('R16: when the overdue invoice is paid or cancelled, then the customer is in good standing again', () => {
    expect(judgeStanding([invoice('A', '2026-11-01', 'paid'), invoice('B', '2026-11-01', 'cancelled')], 5, '2026-12-01').standing).toBe('good');
  });

  it('when dates are read in São Paulo, then 01:00 UTC is still the previous day', () => {
    expect(calendarDate(new Date('2026-11-28T01:00:00Z'), 'America/Sao_Paulo')).toBe('2026-11-27');
    expect(addDays('2026-12-30', 5)).toBe('2027-01-04');
  });
});
