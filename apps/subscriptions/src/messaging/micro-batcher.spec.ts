import { describe, expect, it } from 'vitest';
import { MicroBatcher } from './micro-batcher.ts';

describe('micro-batcher (standing changes in batches, R17)', () => {
  it('when items arrive together, then they are handled in batches of at most maxBatch, each getting its own result', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher(3, 1, async (items: number[]) => {
      batches.push(items);
      return items.map((n) => n * 10);
    });
    const results = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => batcher.add(n)));
    expect(results).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('when a batch fails, then every item of it fails (to be redelivered) and later batches still run', async () => {
    let calls = 0;
    const batcher = new MicroBatcher(2, 1, async (items: string[]) => {
      calls += 1;
      if (calls === 1) throw new Error('database went away');
      return items.map((s) => s.toUpperCase());
    });
    const outcomes = await Promise.allSettled(['a', 'b', 'c'].map((s) => batcher.add(s)));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((outcomes[2] as PromiseFulfilledResult<string>).value).toBe('C');
  });

  it('when maxInFlight batches are running, then new items wait and form the next batch', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batches: number[][] = [];
    const batcher = new MicroBatcher(10, 1, async (items: number[]) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items;
    });
    const first = batcher.add(1);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = [2, 3, 4].map((n) => batcher.add(n));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1]]);
    release();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });
});
