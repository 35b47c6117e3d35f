import { describe, expect, it } from 'vitest';
import { addToTotals, adjustmentLines, fiscalItemsOf, linesForAttachment, NO_TOTALS, totalsOf, type AttachmentFacts, type BillingSettings } from './billing-lines.ts';
import { lineId } from './line-id.ts';
import { daysInPeriod, isPeriod, nextPeriod } from './period.ts';

const settings: BillingSettings = { timeZone: 'America/Sao_Paulo', dailyProration: true, billDebtSuspension: true };
/** An instant given in the provider's local time (UTC−3). */
const local = (text: string) => new Date(`${text}-03:00`);

const facts = (over: Partial<AttachmentFacts> = {}): AttachmentFacts => ({
  attachmentId: '0b0c7d1e-51a8-4a49-9d0f-6f8b4d1e2a01',
  customerId: '0b0c7d1e-51a8-4a49-9d0f-6f8b4d1e2a02',
  customerCode: 'C-1',
  serviceId: '0b0c7d1e-51a8-4a49-9d0f-6f8b4d1e2a03',
  packageId: '0b0c7d1e-51a8-4a49-9d0f-6f8b4d1e2a04',
  packageDescription: 'Streaming',
  packageVersion: 3,
  integrationProducts: [{ integrationId: '0b0c7d1e-51a8-4a49-9d0f-6f8b4d1e2a05', productCodes: ['mumo'] }],
  attachedAt: local('2026-10-05T10:00:00'),
  detachedAt: null,
  trialEndsAt: null,
  prices: [{ at: local('2026-10-05T10:00:00'), value: 3000 }],
  statuses: [{ at: local('2026-10-01T09:00:00'), value: 'enabled' }],
  composition: [{ kind: 'scm', serviceCode: '0105', weightCents: 1200 }, { kind: 'sva', serviceCode: '1.09', weightCents: 1800 }],
  consent: { source: 'customer', channel: 'phone', at: '2026-10-05T13:00:00.000Z', by: 'maria', reference: 'call-77' },
  ...over,
});

const summary = (lines: ReturnType<typeof linesForAttachment>) =>
  lines.map((l) => ({ start: l.periodStart, end: l.periodEnd, days: l.days, amount: l.amountCents, billable: l.billable, reason: l.notBillableReason }));

describe('billing lines of a competência (R18)', () => {
  it('R18: when a package is held the whole month, then its line is the whole price, split into fiscal items that add up', () => {
    const [line, ...rest] = linesForAttachment('2026-11', facts(), settings);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ periodStart: '2026-11-01', periodEnd: '2026-11-30', days: 30, daysInPeriod: 30, unitPriceCents: 3000, amountCents: 3000, billable: true });
    expect(line!.fiscalItems).toEqual([{ kind: 'scm', serviceCode: '0105', amountCents: 1200 }, { kind: 'sva', serviceCode: '1.09', amountCents: 1800 }]);
    expect(line!.consent?.reference).toBe('call-77');
  });

  it('R18 proration: when a package is attached mid-month, then it is billed for the days held, the attach day included', () => {
    const attachedAt = local('2026-11-11T18:00:00');
    expect(summary(linesForAttachment('2026-11', facts({ attachedAt, prices: [{ at: attachedAt, value: 3000 }] }), settings))).toEqual([
      { start: '2026-11-11', end: '2026-11-30', days: 20, amount: 2000, billable: true, reason: null },
    ]);
  });

  it('R18 proration: when a package is detached mid-month, then the detach day is not billed', () => {
    expect(summary(linesForAttachment('2026-11', facts({ detachedAt: local('2026-11-16T08:00:00') }), settings))).toEqual([
      { start: '2026-11-01', end: '2026-11-15', days: 15, amount: 1500, billable: true, reason: null },
    ]);
  });

  it('R18 proration: when the service is enabled or cancelled mid-month, then only the days it was held are billed', () => {
    const enabled = facts({ statuses: [{ at: local('2026-10-01T09:00:00'), value: 'awaiting_installation' }, { at: local('2026-11-21T09:00:00'), value: 'enabled' }] });
    expect(summary(linesForAttachment('2026-11', enabled, settings))[0]).toMatchObject({ start: '2026-11-21', days: 10, amount: 1000 });
    const cancelled = facts({ statuses: [{ at: local('2026-10-01T09:00:00'), value: 'enabled' }, { at: local('2026-11-04T09:00:00'), value: 'cancelled' }] });
    expect(summary(linesForAttachment('2026-11', cancelled, settings))[0]).toMatchObject({ end: '2026-11-03', days: 3, amount: 300 });
  });

  it('R18 proration: when the prorated amount has a fraction of a cent, then it is rounded half up', () => {
    const attachedAt = local('2026-11-30T10:00:00');
    expect(linesForAttachment('2026-11', facts({ attachedAt, prices: [{ at: attachedAt, value: 1999 }] }), settings)[0]!.amountCents).toBe(67); // 66.63
    expect(linesForAttachment('2026-11', facts({ attachedAt, prices: [{ at: attachedAt, value: 45 }] }), settings)[0]!.amountCents).toBe(2); // 1.5
  });

  it('R18 proration off: when the provider does not prorate, then any billable day bills the whole month', () => {
    const attachedAt = local('2026-11-29T10:00:00');
    expect(summary(linesForAttachment('2026-11', facts({ attachedAt, prices: [{ at: attachedAt, value: 3000 }] }), { ...settings, dailyProration: false }))).toEqual([
      { start: '2026-11-29', end: '2026-11-30', days: 2, amount: 3000, billable: true, reason: null },
    ]);
  });

  it('R18: when the price changes mid-month (R7), then each price is billed for its own days', () => {
    const prices = [{ at: local('2026-10-05T10:00:00'), value: 3000 }, { at: local('2026-11-16T10:00:00'), value: 6000 }];
    expect(summary(linesForAttachment('2026-11', facts({ prices }), settings)).map((l) => [l.days, l.amount])).toEqual([[15, 1500], [15, 3000]]);
    expect(linesForAttachment('2026-11', facts({ prices }), { ...settings, dailyProration: false }).map((l) => [l.unitPriceCents, l.amountCents])).toEqual([[6000, 6000]]);
  });

  it('R18 time zone: when an event happens late in the evening local time, then it counts on that local day, not the UTC one', () => {
    const attachedAt = new Date('2026-12-01T01:30:00Z'); // 30 November, 22:30 in São Paulo
    const [line] = linesForAttachment('2026-11', facts({ attachedAt, prices: [{ at: attachedAt, value: 3000 }] }), settings);
    expect(line).toMatchObject({ periodStart: '2026-11-30', days: 1, amountCents: 100 });
  });

  it('R18 trial (R11): when a package is in trial, then its trial days make a not-billable line and the package ends with its trial', () => {
    const attachedAt = local('2026-11-01T10:00:00');
    const trialEndsAt = local('2026-11-08T10:00:00');
    const removed = linesForAttachment('2026-11', facts({ attachedAt, prices: [{ at: attachedAt, value: 3000 }], trialEndsAt, detachedAt: trialEndsAt }), settings);
    expect(summary(removed)).toEqual([{ start: '2026-11-01', end: '2026-11-07', days: 7, amount: 0, billable: false, reason: 'trial' }]);
    expect(removed[0]!.fiscalItems.every((item) => item.amountCents === 0)).toBe(true);
  });

  it('R18 trial (R11): when the trial sweep removes the package days after the trial ended, then those days are not charged either', () => {
    const attachedAt = local('2026-11-01T10:00:00');
    const trialEndsAt = local('2026-11-08T10:00:00');
    const base = { attachedAt, prices: [{ at: attachedAt, value: 3000 }], trialEndsAt };
    const onTime = summary(linesForAttachment('2026-11', facts({ ...base, detachedAt: trialEndsAt }), settings));
    expect(summary(linesForAttachment('2026-11', facts({ ...base, detachedAt: local('2026-11-20T03:00:00') }), settings))).toEqual(onTime);
    expect(summary(linesForAttachment('2026-11', facts({ ...base, detachedAt: null }), settings))).toEqual(onTime);
    expect(linesForAttachment('2026-12', facts({ ...base, detachedAt: null }), settings)).toEqual([]);
  });

  it('R18 benefit: when the package is zero-value, then its line is produced but not billable', () => {
    const lines = linesForAttachment('2026-11', facts({ prices: [{ at: local('2026-10-05T10:00:00'), value: 0 }] }), settings);
    expect(summary(lines)).toEqual([{ start: '2026-11-01', end: '2026-11-30', days: 30, amount: 0, billable: false, reason: 'zero_value' }]);
  });

  it('R18 suspension at the customer\'s request: when the service is suspended on request, then those days are not billed', () => {
    const statuses = [
      { at: local('2026-10-01T09:00:00'), value: 'enabled' as const },
      { at: local('2026-11-10T09:00:00'), value: 'suspended_request' as const },
      { at: local('2026-11-20T09:00:00'), value: 'enabled' as const },
    ];
    expect(summary(linesForAttachment('2026-11', facts({ statuses }), settings))).toEqual([
      { start: '2026-11-01', end: '2026-11-30', days: 20, amount: 2000, billable: true, reason: null },
      { start: '2026-11-10', end: '2026-11-19', days: 10, amount: 0, billable: false, reason: 'suspended_request' },
    ]);
  });

  it('R18 suspension for debt: when the service is suspended for debt, then the days are billed by default and not when the provider says so', () => {
    const statuses = [{ at: local('2026-10-01T09:00:00'), value: 'enabled' as const }, { at: local('2026-11-21T09:00:00'), value: 'suspended_debt' as const }];
    expect(summary(linesForAttachment('2026-11', facts({ statuses }), settings))).toEqual([
      { start: '2026-11-01', end: '2026-11-30', days: 30, amount: 3000, billable: true, reason: null },
    ]);
    expect(summary(linesForAttachment('2026-11', facts({ statuses }), { ...settings, billDebtSuspension: false }))).toEqual([
      { start: '2026-11-01', end: '2026-11-20', days: 20, amount: 2000, billable: true, reason: null },
      { start: '2026-11-21', end: '2026-11-30', days: 10, amount: 0, billable: false, reason: 'suspended_debt' },
    ]);
  });

  it('R18: when a package was not held in the month at all, then it has no line', () => {
    expect(linesForAttachment('2026-09', facts(), settings)).toEqual([]);
    expect(linesForAttachment('2026-11', facts({ detachedAt: local('2026-10-20T10:00:00') }), settings)).toEqual([]);
  });

  it('R18 deterministic ids: when the same inputs are computed twice, then the line ids are the same; another month gives other ids', () => {
    const first = linesForAttachment('2026-11', facts(), settings).map((l) => l.id);
    expect(linesForAttachment('2026-11', facts(), settings).map((l) => l.id)).toEqual(first);
    expect(linesForAttachment('2026-12', facts(), settings).map((l) => l.id)).not.toEqual(first);
    expect(first[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(lineId('x')).toBe(lineId('x'));
  });
});

describe('fiscal items (R18, R5)', () => {
  it('R18 fiscal items: when an amount is split by the composition, then the items add up to the amount to the cent, for every amount', () => {
    const composition = [
      { kind: 'scm', serviceCode: '0105', weightCents: 333 },
      { kind: 'sva', serviceCode: '1.09', weightCents: 333 },
      { kind: 'sva', serviceCode: '1.05', weightCents: 334 },
    ];
    for (let amount = 0; amount <= 5000; amount += 1) {
      const items = fiscalItemsOf(amount, composition);
      expect(items.reduce((sum, item) => sum + item.amountCents, 0)).toBe(amount);
    }
    expect(fiscalItemsOf(100, composition).map((i) => i.amountCents)).toEqual([33, 33, 34]);
  });

  it('R18 fiscal items: when the amount is a credit, then the items are negative and add up to it', () => {
    const items = fiscalItemsOf(-1001, [{ kind: 'scm', serviceCode: '0105', weightCents: 1 }, { kind: 'sva', serviceCode: '1.09', weightCents: 1 }]);
    expect(items.map((i) => i.amountCents)).toEqual([-501, -500]);
  });

  it('R18 fiscal items: when the package announced no composition, then the whole amount is SVA 1.09', () => {
    expect(fiscalItemsOf(990, [])).toEqual([{ kind: 'sva', serviceCode: '1.09', amountCents: 990 }]);
  });

  it('R18 totals: when lines are totalled, then only billable ones count, by fiscal code', () => {
    const benefit = facts({ attachmentId: '0b0c7d1e-51a8-4a49-9d0f-6f8b4d1e2a06', prices: [{ at: local('2026-10-05T10:00:00'), value: 0 }] });
    const lines = [...linesForAttachment('2026-11', facts({ detachedAt: local('2026-11-16T00:00:00') }), settings), ...linesForAttachment('2026-11', benefit, settings)];
    expect(totalsOf(lines)).toEqual({
      lines: 2,
      billableLines: 1,
      billableCents: 1500,
      byFiscalCode: [{ kind: 'scm', serviceCode: '0105', amountCents: 600 }, { kind: 'sva', serviceCode: '1.09', amountCents: 900 }],
    });
  });

  it('R18 totals: when lines are added batch after batch (the close), then the totals are those of all the lines at once', () => {
    const other = facts({ attachmentId: '0b0c7d1e-51a8-4a49-9d0f-6f8b4d1e2a07', composition: [{ kind: 'sva', serviceCode: '1.05', weightCents: 1 }] });
    const first = linesForAttachment('2026-11', facts({ detachedAt: local('2026-11-16T00:00:00') }), settings);
    const second = [...linesForAttachment('2026-11', other, settings), ...linesForAttachment('2026-11', facts({ trialEndsAt: local('2026-11-08T00:00:00') }), settings)];
    const inBatches = addToTotals(addToTotals(NO_TOTALS, first), second);
    expect(inBatches).toEqual(totalsOf([...first, ...second]));
    expect(inBatches.byFiscalCode.map((item) => item.serviceCode)).toEqual(['0105', '1.05', '1.09']);
  });
});

describe('closed competências are final (R20)', () => {
  const closed = linesForAttachment('2026-11', facts(), settings);

  it('R20 immutability: when a detach is back-dated into a closed month, then a credit in the next open month names the closed line', () => {
    const recomputed = linesForAttachment('2026-11', facts({ detachedAt: local('2026-11-16T08:00:00') }), settings);
    const [credit, ...rest] = adjustmentLines('2026-12', '2026-11', closed, recomputed);
    expect(rest).toEqual([]);
    expect(credit).toMatchObject({ period: '2026-12', kind: 'adjustment', amountCents: -1500, billable: true, correctsLineId: closed[0]!.id, correctsPeriod: '2026-11' });
    expect(credit!.fiscalItems).toEqual([{ kind: 'scm', serviceCode: '0105', amountCents: -600 }, { kind: 'sva', serviceCode: '1.09', amountCents: -900 }]);
    expect(closed[0]!.amountCents).toBe(3000);
  });

  it('R20 immutability: when a retroactive price raise changes a closed month, then a debit names the line that should have been', () => {
    const recomputed = linesForAttachment('2026-11', facts({ prices: [{ at: local('2026-10-05T10:00:00'), value: 4500 }] }), settings);
    const lines = adjustmentLines('2026-12', '2026-11', closed, recomputed);
    expect(lines.map((l) => [l.amountCents, l.correctsLineId])).toEqual(
      [[-3000, closed[0]!.id], [4500, recomputed[0]!.id]].sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    );
    expect(totalsOf(lines).billableCents).toBe(1500);
  });

  it('R20: when nothing changed, or an adjustment already corrected the line, then no new adjustment is made', () => {
    expect(adjustmentLines('2026-12', '2026-11', closed, closed)).toEqual([]);
    const recomputed = linesForAttachment('2026-11', facts({ detachedAt: local('2026-11-16T08:00:00') }), settings);
    const issued = adjustmentLines('2026-12', '2026-11', closed, recomputed);
    expect(adjustmentLines('2027-01', '2026-11', [...closed, ...issued], recomputed)).toEqual([]);
  });

  it('R20 deterministic ids: when the adjustments are computed again, then they keep their ids', () => {
    const recomputed = linesForAttachment('2026-11', facts({ detachedAt: local('2026-11-16T08:00:00') }), settings);
    expect(adjustmentLines('2026-12', '2026-11', closed, recomputed).map((l) => l.id)).toEqual(adjustmentLines('2026-12', '2026-11', closed, recomputed).map((l) => l.id));
  });
});

describe('periods', () => {
  it('when a period is parsed, then only YYYY-MM months are periods, with their day counts', () => {
    expect(isPeriod('2026-11')).toBe(true);
    expect(isPeriod('2026-13')).toBe(false);
    expect(isPeriod('26-11')).toBe(false);
    expect(daysInPeriod('2028-02')).toBe(29);
    expect(nextPeriod('2026-12')).toBe('2027-01');
  });
});
