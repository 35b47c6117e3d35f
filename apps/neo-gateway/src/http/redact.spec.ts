import { describe, expect, it } from 'vitest';
import { redactCallbackUrl } from './redact.ts';

describe('callback URL redaction (R3)', () => {
  it('when a callback URL is logged, then its secret is hidden', () => {
    expect(redactCallbackUrl('/v1/callback/abc/SECRET/authorise?subscriber_id=1&product=mumo')).toBe('/v1/callback/abc/[redacted]/authorise?subscriber_id=1&product=mumo');
    expect(redactCallbackUrl('/v1/callback/abc/SECRET')).toBe('/v1/callback/abc/[redacted]');
  });

  it('when another URL is logged, then it is unchanged', () => {
    expect(redactCallbackUrl('/readyz')).toBe('/readyz');
  });
});
