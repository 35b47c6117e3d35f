/**
 * Gathers items handed in one by one (each consumer delivery) into batches for one call of
 * `run`, so that a burst of events costs a few transactions instead of one each. A lone item
 * waits one turn of the event loop; under load, items pile up while `maxInFlight` batches run
 * and the next batch takes up to `maxBatch` of them. Each `add` settles with its own result, or
 * with the batch's error (the delivery is then retried).
 */
export class MicroBatcher<T, R> {
  readonly #pending: Array<{ item: T; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(
    private readonly maxBatch: number,
    private readonly maxInFlight: number,
    private readonly run: (items: T[]) => Promise<R[]>,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#inFlight < this.maxInFlight && this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.maxBatch);
      this.#inFlight += 1;
      this.run(batch.map((entry) => entry.item))
        .then(
          (results) => batch.forEach((entry, i) => entry.resolve(results[i]!)),
          (error: unknown) => batch.forEach((entry) => entry.reject(error)),
        )
        .finally(() => {
          this.#inFlight -= 1;
          this.#flush();
        });
    }
  }
}
