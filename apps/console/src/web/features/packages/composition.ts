/**
 * R5 on the form, before sending: a fiscal composition as the operator types it, its running
 * total and whether it adds up to the price. The catalog checks it again (and more: a service
 * code listed twice, decimals); its refusal shows beside the fields it names.
 */
export interface ComponentDraft {
  readonly kind: 'scm' | 'sva';
  readonly serviceCode: string;
  readonly shareType: 'percent' | 'amount';
  /** As typed: `50` / `33,33` for a percentage, `9,90` for an amount. */
  readonly value: string;
}

export type CompositionVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly why: 'empty' }
  | { readonly ok: false; readonly why: 'share'; readonly index: number }
  | { readonly ok: false; readonly why: 'fixedOverPrice' | 'fixedNotPrice'; readonly fixedCents: number }
  | { readonly ok: false; readonly why: 'percentNot100'; readonly percent: number };

/** `33,33` or `33.33` → basis points (3333); `undefined` when not a percentage with up to two decimals. */
export function percentBasisPoints(text: string): number | undefined {
  const match = /^(\d{1,3})(?:[,.](\d{1,2}))?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

/**
 * The cents the composition accounts for now: fixed amounts as typed, percentages of what they
 * leave of the price (a running total: it equals the price only when the composition adds up).
 */
export function compositionTotalCents(drafts: readonly ComponentDraft[], priceCents: number, money: (text: string) => number | undefined): number {
  const fixed = drafts.reduce((sum, d) => sum + (d.shareType === 'amount' ? (money(d.value) ?? 0) : 0), 0);
  const basisPoints = drafts.reduce((sum, d) => sum + (d.shareType === 'percent' ? (percentBasisPoints(d.value) ?? 0) : 0), 0);
  return fixed + Math.round(((priceCents - fixed) * basisPoints) / 10_000);
}

/** Whether the composition adds up to `priceCents` (the catalog's R5 sums), and if not, why. */
export function checkDrafts(drafts: readonly ComponentDraft[], priceCents: number, money: (text: string) => number | undefined): CompositionVerdict {
  if (drafts.length === 0) return { ok: false, why: 'empty' };
  let fixedCents = 0;
  let basisPoints = 0;
  let percentages = 0;
  for (const [index, draft] of drafts.entries()) {
    const value = draft.shareType === 'percent' ? percentBasisPoints(draft.value) : money(draft.value);
    if (value === undefined || value <= 0 || (draft.shareType === 'percent' && value > 10_000)) return { ok: false, why: 'share', index };
    if (draft.shareType === 'percent') {
      percentages += 1;
      basisPoints += value;
    } else fixedCents += value;
  }
  if (fixedCents > priceCents) return { ok: false, why: 'fixedOverPrice', fixedCents };
  if (percentages > 0 && basisPoints !== 10_000) return { ok: false, why: 'percentNot100', percent: basisPoints / 100 };
  if (percentages === 0 && fixedCents !== priceCents) return { ok: false, why: 'fixedNotPrice', fixedCents };
  return { ok: true };
}

/** The drafts as the catalog takes them (call only when {@link checkDrafts} is ok). */
export function toComposition(drafts: readonly ComponentDraft[], money: (text: string) => number | undefined) {
  return drafts.map((d) => ({
    kind: d.kind,
    serviceCode: d.serviceCode.trim(),
    share: d.shareType === 'percent' ? { percent: percentBasisPoints(d.value)! / 100 } : { amountCents: money(d.value)! },
  }));
}
