import { describe, expect, it } from 'vitest';
import { createAttemptLimiter } from './attempt-limiter.ts';

const minute = 60_000;
const options = { maxFailures: 3, windowMs: minute, lockoutMs: minute, maxLockoutMs: 8 * minute };

describe('attempt limiter (R14)', () => {
  it('when a key fails up to the limit, then it is locked out with a Retry-After that counts down', () => {
    const limiter = createAttemptLimiter<string>(options);
    limiter.fail('a', 0);
    limiter.fail('a', 1_000);
    expect(limiter.retryAfterSeconds('a', 1_000)).toBe(0);
    limiter.fail('a', 2_000);
    expect(limiter.retryAfterSeconds('a', 2_000)).toBe(60);
    expect(limiter.retryAfterSeconds('a', 31_500)).toBe(31);
    expect(limiter.retryAfterSeconds('a', 62_000)).toBe(0);
    expect(limiter.retryAfterSeconds('b', 2_000)).toBe(0);
  });

  it('when failures are spread over more than the window, then they do not add up', () => {
    const limiter = createAttemptLimiter<string>(options);
    limiter.fail('a', 0);
    limiter.fail('a', 1_000);
    limiter.fail('a', minute + 1);
    expect(limiter.retryAfterSeconds('a', minute + 1)).toBe(0);
  });

  it('when a key comes back for more after each lockout, then each lockout doubles up to the maximum (backoff)', () => {
    const limiter = createAttemptLimiter<string>(options);
    let now = 0;
    const lockouts: number[] = [];
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 3; i++) limiter.fail('a', now);
      lockouts.push(limiter.retryAfterSeconds('a', now));
      now += limiter.retryAfterSeconds('a', now) * 1000;
    }
    expect(lockouts).toEqual([60, 120, 240, 480, 480, 480]);
  });

  it('when a locked key keeps trying, then its lockout is not extended', () => {
    const limiter = createAttemptLimiter<string>(options);
    for (let i = 0; i < 3; i++) limiter.fail('a', 0);
    for (let i = 0; i < 50; i++) limiter.fail('a', 10_000);
    expect(limiter.retryAfterSeconds('a', 10_000)).toBe(50);
  });

  it('when a key succeeds, then its failures and lockouts are forgotten', () => {
    const limiter = createAttemptLimiter<string>(options);
    for (let i = 0; i < 3; i++) limiter.fail('a', 0);
    limiter.succeed('a');
    expect(limiter.retryAfterSeconds('a', 0)).toBe(0);
    for (let i = 0; i < 3; i++) limiter.fail('a', 1);
    expect(limiter.retryAfterSeconds('a', 1)).toBe(60);
  });

  it('when a key stays quiet for the maximum lockout, then its next lockout starts short again', () => {
    const limiter = createAttemptLimiter<string>(options);
    for (let i = 0; i < 3; i++) limiter.fail('a', 0);
    for (let i = 0; i < 3; i++) limiter.fail('a', minute);
    expect(limiter.retryAfterSeconds('a', minute)).toBe(120);
    const later = 3 * minute + 8 * minute;
    for (let i = 0; i < 3; i++) limiter.fail('a', later);
    expect(limiter.retryAfterSeconds('a', later)).toBe(60);
  });

  it('when more keys fail than it may track, then the least recent are forgotten and memory stays bounded', () => {
    const limiter = createAttemptLimiter<number>({ ...options, maxKeys: 100 });
    for (let key = 0; key < 1_000; key++) limiter.fail(key, key);
    expect(limiter.size).toBe(100);
    for (let i = 0; i < 2; i++) limiter.fail(999, 1_000);
    expect(limiter.retryAfterSeconds(999, 1_000)).toBe(60);
  });
});
