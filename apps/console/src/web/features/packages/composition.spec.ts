import { describe, expect, it } from 'vitest';
import { parseMoney } from '../../shared/money.ts';
import { checkDrafts, compositionTotalCents, toComposition, type ComponentDraft } from './composition.ts';

const sva = (value: string, shareType: ComponentDraft['shareType'] = 'percent', serviceCode = '1.09'): ComponentDraft => ({ kind: 'sva', serviceCode, shareType, value });

describe('fiscal composition on the form (R5)', () => {
  it('when a fixed amount and percentages split the price, then the total is the price and it adds up', () => {
    const drafts = [{ ...sva('2,00', 'amount'), kind: 'scm' as const }, sva('60'), sva('40', 'percent', '1.10')];
    expect(compositionTotalCents(drafts, 990, parseMoney)).toBe(990);
    expect(checkDrafts(drafts, 990, parseMoney)).toEqual({ ok: true });
    expect(toComposition(drafts, parseMoney)[0]).toEqual({ kind: 'scm', serviceCode: '1.09', share: { amountCents: 200 } });
  });

  it('when the percentages add up to 95,5%, then it is refused with the sum, and the running total falls short', () => {
    const drafts = [sva('50'), sva('45,5', 'percent', '1.10')];
    expect(checkDrafts(drafts, 1000, parseMoney)).toEqual({ ok: false, why: 'percentNot100', percent: 95.5 });
    expect(compositionTotalCents(drafts, 1000, parseMoney)).toBe(955);
  });

  it('when fixed amounts exceed or miss the price, or a share is not a number, then it is refused', () => {
    expect(checkDrafts([sva('12,00', 'amount')], 990, parseMoney)).toEqual({ ok: false, why: 'fixedOverPrice', fixedCents: 1200 });
    expect(checkDrafts([sva('5,00', 'amount')], 990, parseMoney)).toEqual({ ok: false, why: 'fixedNotPrice', fixedCents: 500 });
    expect(checkDrafts([sva('abc')], 990, parseMoney)).toEqual({ ok: false, why: 'share', index: 0 });
    expect(checkDrafts([], 990, parseMoney)).toEqual({ ok: false, why: 'empty' });
  });
});
