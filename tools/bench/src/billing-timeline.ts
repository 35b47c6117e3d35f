/**
 * Bookkeeping for the billing benchmark: when each affected item passed a stage, and the report's
 * breakdown of where the time went. Pure, so it is unit-tested.
 */

/** Arrivals of distinct items at one stage of the pipeline (events on a stream, records in a bucket). */
export class ArrivalTracker {
  readonly #seen = new Set<string>();
  #first: number | undefined;
  #last: number | undefined;
  readonly #waiters: Array<{ count: number; resolve: () => void }> = [];

  /** Count `id` once, at `at` (epoch ms). Repeats are ignored. */
  record(id: string, at: number): void {
    if (this.#seen.has(id)) return;
    this.#seen.add(id);
    this.#first ??= at;
    this.#last = at;
    for (const waiter of this.#waiters.filter((w) => this.#seen.size >= w.count)) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  get count(): number {
    return this.#seen.size;
  }

  /** Epoch ms of the first and last distinct arrival. */
  get span(): { first: number | undefined; last: number | undefined } {
    return { first: this.#first, last: this.#last };
  }

  /** Resolves once `count` distinct items arrived. */
  reached(count: number): Promise<void> {
    if (this.#seen.size >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }
}

/** One stage of the pipeline, in ms after the start of the measurement. */
export interface Stage {
  readonly firstMs: number | null;
  readonly lastMs: number | null;
  readonly count: number;
  /** Items per second between the first and the last. */
  readonly perSecond: number | null;
}

/** A stage from epoch-ms marks relative to `t0`. */
export function stage(t0: number, first: number | Date | null | undefined, last: number | Date | null | undefined, count: number): Stage {
  const ms = (mark: number | Date | null | undefined) => (mark === null || mark === undefined ? null : Math.round(Number(mark) - t0));
  const firstMs = ms(first);
  const lastMs = ms(last);
  const spanMs = firstMs !== null && lastMs !== null ? lastMs - firstMs : null;
  return { firstMs, lastMs, count, perSecond: spanMs && spanMs > 0 ? Math.round((count * 1_000) / spanMs) : null };
}

/** The `p`-th percentile (0–100) of `values` (nearest rank); null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
