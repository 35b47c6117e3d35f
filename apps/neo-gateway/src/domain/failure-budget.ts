/**
 * R14: a budget of failed identifies per integration — a token bucket that holds at most `burst`
 * failures and refills at `perMinute`. Successes cost nothing. While the bucket holds a token,
 * identify runs as usual; once failures have emptied it (far more than typos make: a credential
 * stuffing run), identify is refused with 429 until a token is back, so the oracle answers at
 * most `perMinute` failures a minute per integration, whoever asks.
 *
 * NEO calls from its own servers, so this is what slows an attack spread over many logins
 * without locking any one user out for another's typos; the per-login lockouts
 * (`attempt-limiter.ts`) slow guessing on one login, and per-end-user-address limits apply when
 * NEO passes the user's address. Pure: the caller passes the time.
 */
export interface FailureBudgetOptions {
  /** Failures a minute the bucket refills with (the sustained rate allowed). */
  readonly perMinute: number;
  /** Most failures the bucket holds (the burst allowed after a quiet spell). */
  readonly burst: number;
}

export interface FailureBudget<K> {
  /** Seconds until a failure may be afforded again (for `Retry-After`), or 0 when one may be now. */
  retryAfterSeconds(key: K, now: number): number;
  /** Spend one failure. */
  fail(key: K, now: number): void;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function createFailureBudget<K>(options: FailureBudgetOptions): FailureBudget<K> {
  if (!(options.perMinute > 0) || !(options.burst >= 1)) throw new RangeError('a failure budget needs perMinute > 0 and burst >= 1');
  const perMs = options.perMinute / 60_000;
  const buckets = new Map<K, Bucket>();
  const refilled = (key: K, now: number): Bucket => {
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: options.burst, at: now };
      buckets.set(key, bucket);
    } else if (now > bucket.at) {
      bucket.tokens = Math.min(options.burst, bucket.tokens + (now - bucket.at) * perMs);
      bucket.at = now;
    }
    return bucket;
  };
  return {
    retryAfterSeconds(key, now) {
      const bucket = buckets.get(key);
      if (bucket === undefined) return 0;
      const { tokens } = refilled(key, now);
      return tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / perMs / 1000));
    },
    fail(key, now) {
      const bucket = refilled(key, now);
      bucket.tokens = Math.max(0, bucket.tokens - 1);
    },
  };
}
