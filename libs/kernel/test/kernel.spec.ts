import { describe, expect, it } from 'vitest';
import { ConflictError, DomainError, FixedClock, isDomainError, RuleViolationError, UnavailableError, ValidationError } from '../src/index.ts';

describe('domain errors', () => {
  it('when a rule refuses a request, then the error carries its code, status 422 and the rule', () => {
    const error = new RuleViolationError('SUBSCRIPTIONS_PACKAGE_LOCKED_BY_PLAN', 'locked', 'R8', [{ path: 'packageId', message: 'not in plan' }]);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'SUBSCRIPTIONS_PACKAGE_LOCKED_BY_PLAN', status: 422, rule: 'R8', retryable: false, name: 'RuleViolationError' });
    expect(error.fields).toEqual([{ path: 'packageId', message: 'not in plan' }]);
  });

  it('when a dependency is down, then the error is retryable 503 and keeps its cause', () => {
    const cause = new Error('timeout');
    const error = new UnavailableError('X_DOWN', 'down', cause);
    expect(error).toMatchObject({ status: 503, retryable: true });
    expect(error.cause).toBe(cause);
  });

  it('when telling errors apart, then only domain errors are domain errors', () => {
    expect(isDomainError(new ValidationError('X', 'bad', []))).toBe(true);
    expect(isDomainError(new ConflictError('X', 'stale'))).toBe(true);
    expect(isDomainError(new Error('plain'))).toBe(false);
  });
});

describe('fixed clock', () => {
  it('when advanced, then it moves by exactly that much, and callers cannot change it through what it returned', () => {
    const clock = new FixedClock('2026-11-28T00:00:00Z');
    const before = clock.now();
    before.setFullYear(1999);
    clock.advance(86_400_000);
    expect(clock.now().toISOString()).toBe('2026-11-29T00:00:00.000Z');
    clock.set('2027-01-01T00:00:00Z');
    expect(clock.now().toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});
