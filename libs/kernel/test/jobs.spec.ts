import { describe, expect, it } from 'vitest';
import { JobRegistry, MovableClock } from '../src/index.ts';

describe('movable clock', () => {
  it('follows real time from an offset that only moves forward', () => {
    const clock = new MovableClock();
    const before = Date.now();
    clock.advance(3_600_000);
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(clock.offsetMs).toBe(3_600_000);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});

describe('scheduled jobs', () => {
  it('runs every job once in order, reporting a failing one without stopping the others', async () => {
    const jobs = new JobRegistry();
    const ran: string[] = [];
    jobs.register('a', async () => ran.push('a'));
    jobs.register('b', async () => {
      throw new Error('boom');
    });
    jobs.register('c', async () => ran.push('c'));
    expect(() => jobs.register('a', async () => undefined)).toThrow(/already registered/);
    expect(await jobs.runAll()).toEqual([
      { name: 'a', ok: true },
      { name: 'b', ok: false, error: 'boom' },
      { name: 'c', ok: true },
    ]);
    expect(ran).toEqual(['a', 'c']);
  });
});
