import type { BusStatus } from '@sva/bus';
import type { StalePolicy } from '../domain/decisions.ts';

/** How fresh the view is, as `/readyz` and the metrics report it. */
export interface FreshnessReport {
  /** The bus connection as last heard. */
  readonly bus: BusStatus;
  /** How long the view may have been missing changes: 0 while the bus is connected. */
  readonly stalenessSeconds: number;
  /** Seconds since the last change was applied (a quiet bucket is not a stale one). */
  readonly lastChangeAgeSeconds: number | null;
  readonly maxStalenessSeconds: number;
  readonly policy: StalePolicy;
  /** Past the maximum: the policy applies. */
  readonly tooStale: boolean;
}

/**
 * Tracks how far behind the view may be. While the bus is connected the view follows every change
 * as it is committed, so it is current however long ago the last change came; once the bus is
 * lost, the view is as old as the moment it was lost. Past `maxStalenessMs` the policy applies
 * (`serve`: keep answering from the last view; `deny`: authorise answers `view_stale`).
 */
export class Freshness {
  #status: BusStatus = 'connected';
  /** When the bus was lost; -1 while connected. */
  #lostAt = -1;
  #lastChangeAt = 0;

  constructor(
    readonly maxStalenessMs: number,
    readonly policy: StalePolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** Follow the bus's connectivity (call once with the current status, then on each change). */
  busStatus(status: BusStatus): void {
    if (status === 'connected') this.#lostAt = -1;
    else if (this.#lostAt < 0) this.#lostAt = this.now();
    this.#status = status;
  }

  /** A change was applied to the view. */
  changed(): void {
    this.#lastChangeAt = this.now();
  }

  /** Milliseconds the view may be missing changes for (0 while connected). */
  stalenessMs(now = this.now()): number {
    return this.#lostAt < 0 ? 0 : now - this.#lostAt;
  }

  /** Past the maximum staleness (cheap: called on every authorise). */
  tooStale(now: number): boolean {
    return this.#lostAt >= 0 && now - this.#lostAt > this.maxStalenessMs;
  }

  report(now = this.now()): FreshnessReport {
    return {
      bus: this.#status,
      stalenessSeconds: this.stalenessMs(now) / 1000,
      lastChangeAgeSeconds: this.#lastChangeAt === 0 ? null : (now - this.#lastChangeAt) / 1000,
      maxStalenessSeconds: this.maxStalenessMs / 1000,
      policy: this.policy,
      tooStale: this.tooStale(now),
    };
  }
}
