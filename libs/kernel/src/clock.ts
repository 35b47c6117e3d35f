/** Where time comes from. Domain code receives a clock so trials and grace periods are testable. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export class FixedClock implements Clock {
  #now: Date;
  constructor(start: Date | string) {
    this.#now = new Date(start);
  }
  now(): Date {
    return new Date(this.#now);
  }
  set(to: Date | string): void {
    this.#now = new Date(to);
  }
  advance(ms: number): void {
    this.#now = new Date(this.#now.getTime() + ms);
  }
}

export const DAY_MS = 86_400_000;

/**
 * A clock that follows real time from an offset an operator moves forward (the embedded
 * system's demo clock): time keeps flowing between moves, and never goes back.
 */
export class MovableClock implements Clock {
  #offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }
  /** Move forward by `ms` (≥ 0). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('a clock only moves forward');
    this.#offsetMs += ms;
  }
  /** How far ahead of real time it is. */
  get offsetMs(): number {
    return this.#offsetMs;
  }
}
