import { describe, expect, it } from 'vitest';
import { allocateLargestRemainder } from '../src/index.ts';

describe('largest-remainder allocation of cents', () => {
  it('when shares do not divide evenly, then the leftover cents go to the largest fractions and the parts add up', () => {
    expect(allocateLargestRemainder(100, [3333, 3333, 3334])).toEqual([33, 33, 34]);
    expect(allocateLargestRemainder(1000, [1, 1, 1])).toEqual([334, 333, 333]);
  });

  it('when fractions are equal, then the part listed first gets the cent', () => {
    expect(allocateLargestRemainder(1, [1, 1])).toEqual([1, 0]);
  });

  it('when a weight is zero, then its part is zero', () => {
    expect(allocateLargestRemainder(999, [0, 5])).toEqual([0, 999]);
  });

  it('when amounts times weights pass 2^53, then the split is still exact', () => {
    const parts = allocateLargestRemainder(2_147_483_647, [2_147_483_647, 2_147_483_646]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(2_147_483_647);
  });

  it('when the weights sum to zero or a total is negative, then it refuses', () => {
    expect(() => allocateLargestRemainder(10, [0, 0])).toThrow(RangeError);
    expect(() => allocateLargestRemainder(-1, [1])).toThrow(RangeError);
  });
});
