import { describe, expect, it } from 'vitest';
import { createFailureLimiter } from '../src/index.ts';

describe('createFailureLimiter', () => {
  const t0 = 1_000_000;

  it('when a key fails fewer times than allowed, then it may still try', () => {
    const limiter = createFailureLimiter({ maxFailures: 3, windowMs: 60_000 });
    limiter.fail('a', t0);
    limiter.fail('a', t0 + 1);
    expect(limiter.retryAfterSeconds('a', t0 + 2)).toBe(0);
  });

  it('when a key reaches the limit, then it must wait until its window ends, and other keys are unaffected', () => {
    const limiter = createFailureLimiter({ maxFailures: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) limiter.fail('a', t0 + i);
    expect(limiter.retryAfterSeconds('a', t0 + 10)).toBe(60);
    expect(limiter.retryAfterSeconds('a', t0 + 30_500)).toBe(30);
    expect(limiter.retryAfterSeconds('a', t0 + 59_999)).toBe(1);
    expect(limiter.retryAfterSeconds('b', t0 + 10)).toBe(0);
  });

  it('when the window has passed, then the key may try again and counts from zero', () => {
    const limiter = createFailureLimiter({ maxFailures: 2, windowMs: 1_000 });
    limiter.fail('a', t0);
    limiter.fail('a', t0);
    expect(limiter.retryAfterSeconds('a', t0 + 999)).toBe(1);
    expect(limiter.retryAfterSeconds('a', t0 + 1_000)).toBe(0);
    limiter.fail('a', t0 + 1_000);
    expect(limiter.retryAfterSeconds('a', t0 + 1_001)).toBe(0);
    limiter.fail('a', t0 + 1_002);
    expect(limiter.retryAfterSeconds('a', t0 + 1_003)).toBe(1);
  });

  it('when a key is reset, then its failures are forgotten', () => {
    const limiter = createFailureLimiter({ maxFailures: 1, windowMs: 60_000 });
    limiter.fail('a', t0);
    expect(limiter.retryAfterSeconds('a', t0)).toBeGreaterThan(0);
    limiter.reset('a');
    expect(limiter.retryAfterSeconds('a', t0)).toBe(0);
  });

  it('when more keys fail than maxKeys, then the oldest key is forgotten first', () => {
    const limiter = createFailureLimiter({ maxFailures: 1, windowMs: 60_000, maxKeys: 2 });
    limiter.fail('a', t0);
    limiter.fail('b', t0 + 1);
    limiter.fail('c', t0 + 2);
    expect(limiter.retryAfterSeconds('a', t0 + 3)).toBe(0);
    expect(limiter.retryAfterSeconds('b', t0 + 3)).toBeGreaterThan(0);
    expect(limiter.retryAfterSeconds('c', t0 + 3)).toBeGreaterThan(0);
  });

  it('when a key starts a new window, then it counts as the newest key for eviction', () => {
    const limiter = createFailureLimiter({ maxFailures: 1, windowMs: 1_000, maxKeys: 3 });
    limiter.fail('a', t0);
    limiter.fail('b', t0 + 100);
    limiter.fail('a', t0 + 1_050);
    limiter.fail('c', t0 + 1_060);
    limiter.fail('d', t0 + 1_070);
    expect(limiter.retryAfterSeconds('a', t0 + 1_080)).toBeGreaterThan(0);
    expect(limiter.retryAfterSeconds('b', t0 + 1_080)).toBe(0);
    expect(limiter.retryAfterSeconds('c', t0 + 1_080)).toBeGreaterThan(0);
    expect(limiter.retryAfterSeconds('d', t0 + 1_080)).toBeGreaterThan(0);
  });
});
