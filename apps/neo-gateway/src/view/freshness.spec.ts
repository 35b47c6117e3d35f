import { describe, expect, it } from 'vitest';
import { Freshness } from './freshness.ts';

describe('view freshness', () => {
  it('when the bus is connected, then the view is not stale however old the last change', () => {
    let now = 1_000;
    const freshness = new Freshness(60_000, 'deny', () => now);
    freshness.changed();
    now += 3_600_000;
    expect(freshness.report()).toMatchObject({ bus: 'connected', stalenessSeconds: 0, lastChangeAgeSeconds: 3_600, tooStale: false });
  });

  it('when the bus is lost, then staleness counts from that moment and passes the maximum; reconnecting resets it', () => {
    let now = 0;
    const freshness = new Freshness(60_000, 'deny', () => now);
    freshness.busStatus('reconnecting');
    now = 30_000;
    freshness.busStatus('reconnecting');
    expect(freshness.report()).toMatchObject({ bus: 'reconnecting', stalenessSeconds: 30, tooStale: false });
    now = 60_001;
    expect(freshness.tooStale(now)).toBe(true);
    expect(freshness.report()).toMatchObject({ tooStale: true, policy: 'deny', maxStalenessSeconds: 60 });
    freshness.busStatus('connected');
    expect(freshness.report()).toMatchObject({ bus: 'connected', stalenessSeconds: 0, tooStale: false });
  });
});
