import { Id } from '@sva/contracts';
import { describe, expect, it } from 'vitest';
import { benchCustomerId, cpfFromBase, shiftDay } from './billing-seed.ts';
import { ArrivalTracker, percentile, stage } from './billing-timeline.ts';

describe('billing benchmark bookkeeping', () => {
  it('when items arrive more than once, then each counts once and the span runs from the first to the last distinct arrival', async () => {
    const tracker = new ArrivalTracker();
    const reached = tracker.reached(2);
    tracker.record('a', 100);
    tracker.record('a', 150);
    tracker.record('b', 300);
    await reached;
    expect(tracker.count).toBe(2);
    expect(tracker.span).toEqual({ first: 100, last: 300 });
    expect(stage(50, 100, 300, 2)).toEqual({ firstMs: 50, lastMs: 250, count: 2, perSecond: 10 });
  });

  it('when computing percentiles, then the nearest rank is used', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 100)).toBe(5);
    expect(percentile([], 50)).toBeNull();
  });

  it('when seeding, then customer ids are the UUID form of md5, as PostgreSQL computes them, and CPFs carry valid check digits', () => {
    // What PostgreSQL answers to BENCH_CUSTOMER_ID_SQL with i = 0; a v4-shaped UUID the contracts accept.
    expect(benchCustomerId(0)).toBe('0d4829c1-9f6c-4a55-8183-4b3831698283');
    expect(Id.safeParse(benchCustomerId(12_345)).success).toBe(true);
    expect(cpfFromBase(529_982_247)).toBe('52998224725');
    expect(shiftDay('2026-11-20', -35)).toBe('2026-10-16');
  });
});
