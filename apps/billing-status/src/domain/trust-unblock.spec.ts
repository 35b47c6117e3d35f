import { describe, expect, it } from 'vitest';
import { judgeStanding } from './standing.ts';
import { grantTrustUnblock } from './trust-unblock.ts';

const now = new Date('2026-11-26T12:00:00Z');
const customerId = '0b5f2f6e-58f4-4f1c-9d35-4c4c0c4b7a01';
const request = (days: number) => ({ id: '5c0b0f7e-8a43-4a4c-9d0e-1f3c6b2f9a11', customerId, days, note: null });
const delinquent = judgeStanding({ oldestOverdue: { invoiceId: 'INV-1', dueDate: '2026-11-01' }, overdueCount: 1, trust: null }, { graceDays: 5 }, now);

describe('trust unblock (R16)', () => {
  it('R16 trust unblock: when a delinquent customer is granted N days within the maximum, then it runs until N × 24 h from now, for the overdue invoice', () => {
    const grant = grantTrustUnblock(request(3), delinquent, 7, now);
    expect(grant.until.toISOString()).toBe('2026-11-29T12:00:00.000Z');
    expect(grant.invoiceId).toBe('INV-1');
  });

  it('R16 trust unblock: when more days than the provider allows are asked, then it is refused, naming the rule', () => {
    expect(() => grantTrustUnblock(request(8), delinquent, 7, now)).toThrow(expect.objectContaining({ code: 'BILLING_TRUST_UNBLOCK_TOO_LONG', status: 422, rule: 'R16' }));
    expect(() => grantTrustUnblock(request(1), delinquent, 0, now)).toThrow(/disabled/);
  });

  it('R16 trust unblock: when the customer owes nothing past grace, or already holds one, then it is refused', () => {
    const good = judgeStanding({ oldestOverdue: null, overdueCount: 0, trust: null }, { graceDays: 5 }, now);
    expect(() => grantTrustUnblock(request(3), good, 7, now)).toThrow(expect.objectContaining({ code: 'BILLING_CUSTOMER_NOT_DELINQUENT', status: 409 }));
    const covered = judgeStanding(
      { oldestOverdue: { invoiceId: 'INV-1', dueDate: '2026-11-01' }, overdueCount: 1, trust: { id: 't0', until: new Date('2026-11-28T00:00:00Z') } },
      { graceDays: 5 },
      now,
    );
    expect(() => grantTrustUnblock(request(3), covered, 7, now)).toThrow(expect.objectContaining({ code: 'BILLING_TRUST_UNBLOCK_ACTIVE' }));
  });
});
