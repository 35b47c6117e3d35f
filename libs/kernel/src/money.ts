/**
 * Split `totalCents` in proportion to `weights` by the *largest remainder* method, so no cent is
 * lost or invented: each part first gets the whole cents of its exact share (rounded down), then
 * the cents still missing go one each to the parts with the largest dropped fractions; on equal
 * fractions, the one listed first. The result always adds up to `totalCents`.
 *
 * `totalCents` must be a non-negative integer and the weights non-negative integers with a
 * positive sum. Computed in `bigint`, so large amounts times large weights stay exact.
 */
export function allocateLargestRemainder(totalCents: number | bigint, weights: readonly (number | bigint)[]): number[] {
  const total = BigInt(totalCents);
  const parts = weights.map((weight) => BigInt(weight));
  const sum = parts.reduce((a, b) => a + b, 0n);
  if (total < 0n || sum <= 0n || parts.some((weight) => weight < 0n)) {
    throw new RangeError('allocateLargestRemainder: needs a non-negative total and non-negative weights with a positive sum');
  }
  const shares = parts.map((weight, index) => {
    const exact = total * weight;
    return { index, cents: exact / sum, dropped: exact % sum };
  });
  let missing = total - shares.reduce((a, share) => a + share.cents, 0n);
  const byDropped = [...shares].sort((x, y) => (x.dropped === y.dropped ? x.index - y.index : x.dropped > y.dropped ? -1 : 1));
  for (const share of byDropped) {
    if (missing === 0n) break;
    share.cents += 1n;
    missing -= 1n;
  }
  return shares.map((share) => Number(share.cents));
}
