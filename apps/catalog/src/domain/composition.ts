import { allocateLargestRemainder, type FieldIssue } from '@sva/kernel';

/**
 * R5: a package's *fiscal composition* (composição fiscal): how its price splits into the fiscal
 * items the provider invoices. `scm` is the telecom part (Serviço de Comunicação Multimídia),
 * `sva` the value-added part (Serviço de Valor Adicionado).
 */
export const COMPONENT_KINDS = ['scm', 'sva'] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

/**
 * A component's share of the price: a percentage, or a fixed amount in cents. Percentages split
 * what the fixed amounts leave of the price (all of it when there are none).
 */
export type Share = { readonly percent: number } | { readonly amountCents: number };

export interface CompositionComponent {
  readonly kind: ComponentKind;
  /** The fiscal service code the provider's accountant assigns (e.g. an LC 116 list item such as `1.09`). */
  readonly serviceCode: string;
  readonly share: Share;
}

/** A component with the cents it accounts for at a given price. */
export interface ResolvedComponent extends CompositionComponent {
  readonly amountCents: number;
}

/** Percentages are kept as basis points: 1 % = 100, so 33.33 % is the integer 3333. */
export const FULL_BASIS_POINTS = 10_000;

/** At most two decimals in a percentage: finer splits are not meaningful on a price in cents. */
export function toBasisPoints(percent: number): number | null {
  const basisPoints = Math.round(percent * 100);
  return Math.abs(percent * 100 - basisPoints) < 1e-6 ? basisPoints : null;
}

/**
 * The composition a package gets when none is given: the whole price as value-added service
 * (SVA) under item 1.09 of the LC 116/2003 service list (making audio, video, image and text
 * content available over the internet). Providers should have their accountant confirm it.
 */
export const DEFAULT_COMPOSITION: readonly CompositionComponent[] = [{ kind: 'sva', serviceCode: '1.09', share: { percent: 100 } }];

/**
 * R5: check that a composition adds up exactly to `priceCents`. Returns one issue per problem,
 * with paths relative to the request (`composition.1.share.percent`); empty when it is valid.
 *
 * - at least one component; no two with the same kind and service code;
 * - a percentage is above 0, at most 100, with at most two decimals;
 * - fixed amounts may not exceed the price;
 * - with percentages, they add up to exactly 100 (they split what the fixed amounts leave);
 * - without percentages, the fixed amounts add up to exactly the price.
 */
export function checkComposition(components: readonly CompositionComponent[], priceCents: number): FieldIssue[] {
  const issue = (path: string, message: string): FieldIssue => ({ path, message, rule: 'R5' });
  if (components.length === 0) return [issue('composition', 'a fiscal composition needs at least one component')];

  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  let fixedCents = 0;
  let basisPoints = 0;
  let percentages = 0;
  components.forEach((component, index) => {
    const key = `${component.kind}/${component.serviceCode}`;
    if (seen.has(key)) {
      issues.push(issue(`composition.${index}.serviceCode`, `${component.kind.toUpperCase()} service code '${component.serviceCode}' is listed twice; merge the two components`));
    }
    seen.add(key);
    if ('percent' in component.share) {
      percentages += 1;
      const bp = toBasisPoints(component.share.percent);
      if (bp === null) issues.push(issue(`composition.${index}.share.percent`, 'a percentage has at most two decimals'));
      else if (bp <= 0 || bp > FULL_BASIS_POINTS) issues.push(issue(`composition.${index}.share.percent`, 'a percentage is above 0 and at most 100'));
      else basisPoints += bp;
    } else {
      fixedCents += component.share.amountCents;
    }
  });
  if (issues.length > 0) return issues;

  if (fixedCents > priceCents) {
    issues.push(issue('composition', `the fixed amounts add up to ${fixedCents} cents, more than the price of ${priceCents} cents`));
  } else if (percentages > 0 && basisPoints !== FULL_BASIS_POINTS) {
    const what = fixedCents > 0 ? `the ${priceCents - fixedCents} cents the fixed amounts leave of the price` : 'the price';
    issues.push(issue('composition', `the percentages add up to ${basisPoints / 100}%; they must add up to exactly 100% of ${what}`));
  } else if (percentages === 0 && fixedCents !== priceCents) {
    issues.push(issue('composition', `the fixed amounts add up to ${fixedCents} cents; they must add up to exactly the price of ${priceCents} cents`));
  }
  return issues;
}

/**
 * R5: the cents each component accounts for. Fixed amounts are taken as they are; percentages
 * split the rest by the *largest remainder* method, so no cent is lost or invented:
 *
 * 1. each percentage gets the whole cents of its exact share (rounded down);
 * 2. the cents still missing (fewer than the number of percentages) go one each to the
 *    components with the largest dropped fractions; on equal fractions, the one listed first.
 *
 * E.g. 100 cents at 33.33 / 33.33 / 33.34 % → 33 / 33 / 34. The result always adds up to
 * `priceCents`. Call only with a composition `checkComposition` accepts.
 */
export function resolveComposition(components: readonly CompositionComponent[], priceCents: number): ResolvedComponent[] {
  const fixedCents = components.reduce((sum, c) => sum + ('amountCents' in c.share ? c.share.amountCents : 0), 0);
  const percentIndexes = components.flatMap((c, index) => ('percent' in c.share ? [index] : []));
  const weights = percentIndexes.map((index) => {
    const share = components[index]?.share;
    return share && 'percent' in share ? (toBasisPoints(share.percent) ?? 0) : 0;
  });
  const split = percentIndexes.length > 0 ? allocateLargestRemainder(priceCents - fixedCents, weights) : [];
  const byIndex = new Map(percentIndexes.map((index, i) => [index, split[i] ?? 0]));
  return components.map((component, index) => ({
    ...component,
    amountCents: 'amountCents' in component.share ? component.share.amountCents : (byIndex.get(index) ?? 0),
  }));
}
