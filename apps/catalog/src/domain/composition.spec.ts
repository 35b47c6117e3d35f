import { describe, expect, it } from 'vitest';
import { DEFAULT_COMPOSITION, checkComposition, resolveComposition, toBasisPoints, type CompositionComponent } from './composition.ts';

const pct = (kind: 'scm' | 'sva', serviceCode: string, percent: number): CompositionComponent => ({ kind, serviceCode, share: { percent } });
const fixed = (kind: 'scm' | 'sva', serviceCode: string, amountCents: number): CompositionComponent => ({ kind, serviceCode, share: { amountCents } });
const cents = (components: readonly CompositionComponent[], price: number) => resolveComposition(components, price).map((c) => c.amountCents);

describe('fiscal composition adds up to the price (R5)', () => {
  it('R5: when percentages add up to 100, then the composition is accepted', () => {
    expect(checkComposition([pct('scm', '0105', 40), pct('sva', '1.09', 60)], 1990)).toEqual([]);
  });

  it('R5: when fixed amounts add up to the price exactly, then the composition is accepted', () => {
    expect(checkComposition([fixed('scm', '0105', 990), fixed('sva', '1.09', 1000)], 1990)).toEqual([]);
  });

  it('R5: when fixed amounts are mixed with percentages of the rest, then the composition is accepted', () => {
    expect(checkComposition([fixed('scm', '0105', 500), pct('sva', '1.09', 70), pct('sva', '1.05', 30)], 1990)).toEqual([]);
  });

  it('R5: when percentages add up to less than 100, then the composition field says by how much', () => {
    expect(checkComposition([pct('scm', '0105', 40), pct('sva', '1.09', 55.5)], 1990)).toEqual([
      { path: 'composition', message: 'the percentages add up to 95.5%; they must add up to exactly 100% of the price', rule: 'R5' },
    ]);
  });

  it('R5: when fixed amounts do not reach the price and there is no percentage, then it is refused', () => {
    expect(checkComposition([fixed('scm', '0105', 990), fixed('sva', '1.09', 999)], 1990)[0]).toMatchObject({
      path: 'composition',
      message: 'the fixed amounts add up to 1989 cents; they must add up to exactly the price of 1990 cents',
      rule: 'R5',
    });
  });

  it('R5: when fixed amounts exceed the price, then it is refused even with percentages', () => {
    expect(checkComposition([fixed('scm', '0105', 2000), pct('sva', '1.09', 100)], 1990)[0]?.message).toContain('more than the price of 1990 cents');
  });

  it('R5: when a percentage has more than two decimals, is zero or above 100, then that share is named', () => {
    expect(checkComposition([pct('scm', '0105', 33.333), pct('sva', '1.09', 66.667)], 100).map((i) => i.path)).toEqual([
      'composition.0.share.percent',
      'composition.1.share.percent',
    ]);
    expect(checkComposition([pct('scm', '0105', 0), pct('sva', '1.09', 100)], 100)[0]?.path).toBe('composition.0.share.percent');
    expect(checkComposition([pct('sva', '1.09', 100.01)], 100)[0]?.message).toBe('a percentage is above 0 and at most 100');
  });

  it('R5: when the same kind and service code appear twice, then the second is named', () => {
    expect(checkComposition([pct('sva', '1.09', 50), pct('sva', '1.09', 50)], 100)).toEqual([
      { path: 'composition.1.serviceCode', message: "SVA service code '1.09' is listed twice; merge the two components", rule: 'R5' },
    ]);
  });

  it('R5: when there is no component, then the composition is refused', () => {
    expect(checkComposition([], 100)).toEqual([{ path: 'composition', message: 'a fiscal composition needs at least one component', rule: 'R5' }]);
  });

  it('R5: a free package (price 0) is fully percentages of nothing', () => {
    expect(checkComposition(DEFAULT_COMPOSITION, 0)).toEqual([]);
    expect(cents(DEFAULT_COMPOSITION, 0)).toEqual([0]);
  });

  it('R5: the default composition is the whole price as SVA, item 1.09', () => {
    expect(resolveComposition(DEFAULT_COMPOSITION, 1990)).toEqual([{ kind: 'sva', serviceCode: '1.09', share: { percent: 100 }, amountCents: 1990 }]);
  });
});

describe('percent shares resolved to cents by largest remainder (R5)', () => {
  it('R5: when a third each does not divide the price, then the leftover cent goes to the largest fraction', () => {
    expect(cents([pct('scm', 'a', 33.33), pct('sva', 'b', 33.33), pct('sva', 'c', 33.34)], 100)).toEqual([33, 33, 34]);
  });

  it('R5: when fractions tie, then the leftover cents go to the components listed first', () => {
    expect(cents([pct('scm', 'a', 50), pct('sva', 'b', 50)], 1991)).toEqual([996, 995]);
    expect(cents([pct('scm', 'a', 25), pct('sva', 'b', 25), pct('sva', 'c', 25), pct('sva', 'd', 25)], 1003)).toEqual([251, 251, 251, 250]);
  });

  it('R5: fixed amounts are kept and the percentages split only what they leave', () => {
    expect(cents([fixed('scm', 'a', 500), pct('sva', 'b', 70), pct('sva', 'c', 30)], 1990)).toEqual([500, 1043, 447]);
  });

  it('R5: over many prices and splits, the cents always add up to the price and each share is within a cent of exact', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 2_000; round += 1) {
      const price = Math.floor(random() * 10_000_000);
      const parts = 1 + Math.floor(random() * 6);
      const weights = Array.from({ length: parts }, () => 1 + Math.floor(random() * 100));
      const total = weights.reduce((a, b) => a + b, 0);
      const bps = weights.map((w) => Math.floor((w / total) * 10_000));
      bps[0]! += 10_000 - bps.reduce((a, b) => a + b, 0);
      const components = bps.filter((bp) => bp > 0).map((bp, i) => pct(i % 2 ? 'sva' : 'scm', `c${i}`, bp / 100));
      expect(checkComposition(components, price)).toEqual([]);
      const resolved = cents(components, price);
      expect(resolved.reduce((a, b) => a + b, 0)).toBe(price);
      components.forEach((component, i) => {
        const exact = (price * toBasisPoints((component.share as { percent: number }).percent)!) / 10_000;
        expect(Math.abs(resolved[i]! - exact)).toBeLessThan(1);
      });
    }
  });

  it('R5: very large prices resolve without floating-point drift', () => {
    expect(cents([pct('scm', 'a', 33.33), pct('sva', 'b', 66.67)], 2_147_483_647)).toEqual([715_756_300, 1_431_727_347]);
  });
});
