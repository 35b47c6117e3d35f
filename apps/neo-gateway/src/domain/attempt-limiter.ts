/**
 * Counts failed attempts per key (a client address, a login) and locks a key out once it has
 * failed too often, for longer each time it comes back for more (R14: identify is a password
 * oracle). Pure: the caller passes the time.
 *
 * - A key may fail `maxFailures` times within `windowMs`; the failure that reaches the limit locks
 *   it for `lockoutMs`, the next lockout for twice as long, and so on up to `maxLockoutMs`.
 * - While locked, attempts are refused (and not counted, so a refused caller cannot extend its
 *   own lockout — nor can someone else extend a victim's by hammering it).
 * - A key quiet for `maxLockoutMs` after its last failure or lockout is forgotten: its next
 *   lockout starts short again.
 * - Memory is bounded: past `maxKeys` keys the least recently failed is forgotten first.
 */
export interface AttemptLimiterOptions {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly lockoutMs: number;
  readonly maxLockoutMs: number;
  readonly maxKeys?: number;
}

export interface AttemptLimiter<K> {
  /** Seconds the key must still wait (for `Retry-After`), or 0 when it may try now. */
  retryAfterSeconds(key: K, now: number): number;
  /** Record a failed attempt (one that was allowed to run). */
  fail(key: K, now: number): void;
  /** Forget a key's failures and lockouts (after a success). */
  succeed(key: K): void;
  /** Keys tracked. */
  readonly size: number;
}

interface Entry {
  windowStart: number;
  failures: number;
  lockedUntil: number;
  lockouts: number;
  lastActivity: number;
}

export function createAttemptLimiter<K>(options: AttemptLimiterOptions): AttemptLimiter<K> {
  const entries = new Map<K, Entry>();
  const maxKeys = options.maxKeys ?? 100_000;
  const forgotten = (entry: Entry, now: number) => now - Math.max(entry.lastActivity, entry.lockedUntil) >= options.maxLockoutMs;

  const prune = (now: number) => {
    // Map order is least recently failed first: stop at the first entry still worth keeping.
    for (const [key, entry] of entries) {
      if (entries.size <= maxKeys && !forgotten(entry, now)) break;
      entries.delete(key);
    }
  };

  return {
    retryAfterSeconds(key, now) {
      const entry = entries.get(key);
      if (entry === undefined || entry.lockedUntil <= now) return 0;
      return Math.max(1, Math.ceil((entry.lockedUntil - now) / 1000));
    },
    fail(key, now) {
      let entry = entries.get(key);
      if (entry !== undefined) {
        entries.delete(key);
        if (forgotten(entry, now)) entry = undefined;
      }
      entry ??= { windowStart: now, failures: 0, lockedUntil: 0, lockouts: 0, lastActivity: now };
      entries.set(key, entry);
      entry.lastActivity = now;
      if (entry.lockedUntil > now) return;
      if (now - entry.windowStart >= options.windowMs) {
        entry.windowStart = now;
        entry.failures = 0;
      }
      entry.failures += 1;
      if (entry.failures >= options.maxFailures) {
        entry.lockedUntil = now + Math.min(options.lockoutMs * 2 ** entry.lockouts, options.maxLockoutMs);
        entry.lockouts += 1;
        entry.failures = 0;
        entry.windowStart = entry.lockedUntil;
      }
      prune(now);
    },
    succeed(key) {
      entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}
