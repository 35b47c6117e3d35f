import { describe, expect, it } from 'vitest';
import { addDays, calendarDate, graceCutoff, isOverduePastGrace, judgeStanding, nextStanding, overduePastGraceFrom, type StandingRecord } from './standing.ts';

const now = new Date('2026-11-26T12:00:00Z');
const grace = { graceDays: 5 };
const overdue = (invoiceId: string, dueDate: string, overdueCount = 1) => ({ oldestOverdue: { invoiceId, dueDate }, overdueCount, trust: null });
const nothingOverdue = { oldestOverdue: null, overdueCount: 0, trust: null };

describe('payment standing (R16)', () => {
  it('R16: when an invoice is due within the grace days, then it is not overdue past grace; from the day after, it is', () => {
    expect(isOverduePastGrace('2026-11-20', 5, '2026-11-25')).toBe(false);
    expect(isOverduePastGrace('2026-11-20', 5, '2026-11-26')).toBe(true);
    expect(graceCutoff('2026-11-26', 5)).toBe('2026-11-21');
    expect(overduePastGraceFrom('2026-11-20', 5)).toBe('2026-11-26');
  });

  it('R16: when no invoice is overdue past grace, then the customer is in good standing', () => {
    expect(judgeStanding(nothingOverdue, grace, now)).toMatchObject({ standing: 'good', overdue: null, trust: null, trustEnded: null });
  });

  it('R16: when an open invoice is overdue past the grace days, then the customer is delinquent, and the why names the oldest invoice and since when', () => {
    const verdict = judgeStanding(overdue('B', '2026-11-01', 2), grace, now);
    expect(verdict.standing).toBe('delinquent');
    expect(verdict.reason).toBe('invoice B due 2026-11-01 is unpaid past 5 grace days (and 1 more)');
    expect(verdict.overdue).toEqual({ invoiceId: 'B', dueDate: '2026-11-01', since: '2026-11-07' });
  });

  it('R16 trust unblock: when a delinquent customer holds a trust unblock still running, then they count as in good standing, and the why says until when', () => {
    const until = new Date('2026-11-30T12:00:00Z');
    const verdict = judgeStanding({ ...overdue('B', '2026-11-01'), trust: { id: 't1', until } }, grace, now);
    expect(verdict.standing).toBe('good');
    expect(verdict.reason).toContain('trust unblock until 2026-11-30T12:00:00.000Z');
    expect(verdict.trust).toEqual({ id: 't1', until });
    expect(verdict.overdue?.invoiceId).toBe('B');
  });

  it('R16 trust unblock expiry: when the trust unblock has run out and the invoice is still unpaid, then the customer is delinquent again and the unblock ends as expired', () => {
    const until = new Date('2026-11-26T12:00:00Z');
    const verdict = judgeStanding({ ...overdue('B', '2026-11-01'), trust: { id: 't1', until } }, grace, now);
    expect(verdict).toMatchObject({ standing: 'delinquent', trust: null, trustEnded: { id: 't1', reason: 'expired', at: until } });
  });

  it('R16 trust unblock: when nothing is overdue any more, then the trust unblock ends as settled and the customer is simply in good standing', () => {
    const verdict = judgeStanding({ ...nothingOverdue, trust: { id: 't1', until: new Date('2026-12-01T00:00:00Z') } }, grace, now);
    expect(verdict).toMatchObject({ standing: 'good', trust: null, trustEnded: { id: 't1', reason: 'settled', at: now } });
  });

  it('when dates are read in São Paulo, then 01:00 UTC is still the previous day', () => {
    expect(calendarDate(new Date('2026-11-28T01:00:00Z'), 'America/Sao_Paulo')).toBe('2026-11-27');
    expect(addDays('2026-12-30', 5)).toBe('2027-01-04');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});

describe('announcing standing changes (R16, R17)', () => {
  const stored: StandingRecord = {
    customerId: '0b5f2f6e-58f4-4f1c-9d35-4c4c0c4b7a01',
    standing: 'good',
    reason: 'no invoice overdue past the 5-day grace period',
    since: new Date('2026-11-01T00:00:00Z'),
    version: 3,
    overdueInvoiceId: null,
    overdueSince: null,
    trustUnblockId: null,
    trustUntil: null,
    updatedAt: new Date('2026-11-01T00:00:00Z'),
  };

  it('R16: when the standing changes, then the next version is stored and announced with the why', () => {
    const update = nextStanding(stored, judgeStanding(overdue('B', '2026-11-01'), grace, now), now);
    expect(update.kind).toBe('changed');
    if (update.kind !== 'changed') return;
    expect(update.event).toEqual({ customerId: stored.customerId, version: 4, standing: 'delinquent', reason: 'invoice B due 2026-11-01 is unpaid past 5 grace days', changedAt: now.toISOString() });
    expect(update.record).toMatchObject({ standing: 'delinquent', version: 4, since: now, overdueInvoiceId: 'B', overdueSince: '2026-11-07' });
  });

  it('R16: when the judgement says what is stored, then nothing is written; when only the why changed, then it is stored without an event', () => {
    expect(nextStanding(stored, judgeStanding(nothingOverdue, grace, now), now)).toEqual({ kind: 'unchanged' });
    const delinquent = { ...stored, standing: 'delinquent' as const, reason: 'invoice B due 2026-11-01 is unpaid past 5 grace days', overdueInvoiceId: 'B', overdueSince: '2026-11-07' };
    const update = nextStanding(delinquent, judgeStanding(overdue('A', '2026-10-01'), grace, now), now);
    expect(update).toMatchObject({ kind: 'details', record: { version: 3, overdueInvoiceId: 'A', standing: 'delinquent' } });
  });
});
