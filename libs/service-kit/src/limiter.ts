/**
 * Counts failures per key (client address, login…) in a fixed window and says how long a key
 * must wait once it has failed too often. Bounded memory: expired windows are pruned as it goes,
 * and past `maxKeys` (default 100,000) the oldest window is forgotten.
 */
export interface FailureLimiter {
  /** Seconds the key must still wait, or 0 when it may try. */
  retryAfterSeconds(key: string, now?: number): number;
  /** Record a failed attempt. */
  fail(key: string, now?: number): void;
  /** Forget a key's failures (after a success). */
  reset(key: string): void;
}

/** A fixed-window failure limiter: `maxFailures` per key per `windowMs`. */
export function createFailureLimiter(options: { maxFailures: number; windowMs: number; maxKeys?: number }): FailureLimiter {
  const windows = new Map<string, { start: number; failures: number }>();
  const maxKeys = options.maxKeys ?? 100_000;
  const current = (key: string, now: number) => {
    const entry = windows.get(key);
    if (!entry || now - entry.start >= options.windowMs) return undefined;
    return entry;
  };
  return {
    retryAfterSeconds(key, now = Date.now()) {
      const entry = current(key, now);
      if (!entry || entry.failures < options.maxFailures) return 0;
      return Math.max(1, Math.ceil((entry.start + options.windowMs - now) / 1000));
    },
    fail(key, now = Date.now()) {
      const entry = current(key, now);
      if (entry) {
        entry.failures += 1;
        return;
      }
      // Re-inserting keeps the map in window-start order, so expired windows sit at the front.
      windows.delete(key);
      for (const [oldest, window] of windows) {
        if (now - window.start < options.windowMs && windows.size < maxKeys) break;
        windows.delete(oldest);
      }
      windows.set(key, { start: now, failures: 1 });
    },
    reset(key) {
      windows.delete(key);
    },
  };
}
