import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashText, hashWords, SlotIndex } from './slot-index.ts';

/** A set of numbers kept in a SlotIndex, with a deliberately poor hash so that runs collide and wrap. */
function indexOf(hashOf: (slot: number) => number) {
  const index = new SlotIndex(hashOf);
  const find = (slot: number) => {
    for (let position = index.start(hashOf(slot)); ; position = index.next(position)) {
      const held = index.at(position);
      if (held < 0) return -1;
      if (held === slot) return position;
    }
  };
  return { index, find };
}

describe('slot index', () => {
  it('when slots are added and removed in any order, then exactly the ones left are found (backward-shift removal, growth)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 300 })), { maxLength: 600 }), fc.integer({ min: 1, max: 64 }), (operations, spread) => {
        const hashOf = (slot: number) => (slot * 7) % spread;
        const { index, find } = indexOf(hashOf);
        const model = new Set<number>();
        for (const [add, slot] of operations) {
          if (add && !model.has(slot)) {
            index.add(slot, hashOf(slot));
            model.add(slot);
          } else if (!add && model.has(slot)) {
            index.removeAt(find(slot));
            model.delete(slot);
          }
        }
        expect(index.size).toBe(model.size);
        for (let slot = 0; slot <= 300; slot++) expect(find(slot) >= 0).toBe(model.has(slot));
      }),
      { numRuns: 300 },
    );
  });

  it('when a hash lands at the end of the table, then probing wraps around', () => {
    const { index: probe } = indexOf(() => 0);
    const last = (probe.bytes / 4) - 1;
    const hashOf = () => last;
    const { index, find } = indexOf(hashOf);
    for (let slot = 0; slot < 7; slot++) index.add(slot, last);
    index.removeAt(find(2));
    for (const slot of [0, 1, 3, 4, 5, 6]) expect(find(slot)).toBeGreaterThanOrEqual(0);
    expect(find(2)).toBe(-1);
  });

  it('when room for a million entries is reserved, then the table takes 4 bytes per position, at most 60 % full', () => {
    const index = new SlotIndex(() => 0);
    index.reserve(1_000_000);
    expect(index.bytes).toBeLessThanOrEqual(Math.ceil(1_000_000 / 0.6 + 1) * 4);
    expect(index.bytes).toBeGreaterThanOrEqual((1_000_000 / 0.6) * 4);
  });

  it('when hashing, then the scope and every word or character count', () => {
    expect(hashText(0, 'abc')).not.toBe(hashText(1, 'abc'));
    expect(hashText(0, 'abc')).not.toBe(hashText(0, 'abd'));
    expect(hashWords(0, new Int32Array([1, 2]), 0, 2)).not.toBe(hashWords(0, new Int32Array([1, 3]), 0, 2));
  });
});
