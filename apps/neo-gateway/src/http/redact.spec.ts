import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactCallbackUrl } from './redact.ts';

describe('callback URL redaction (R3)', () => {
  it('when a callback URL is logged, then its secret is hidden', () => {
    expect(redactCallbackUrl('/v1/callback/abc/SECRET/authorise?subscriber_id=1&product=mumo')).toBe('/v1/callback/abc/[redacted]/authorise?subscriber_id=1&product=mumo');
    expect(redactCallbackUrl('/v1/callback/abc/SECRET')).toBe('/v1/callback/abc/[redacted]');
    expect(redactCallbackUrl('http://gw:3004/v1/callback/abc/SECRET/identify')).toBe('http://gw:3004/v1/callback/abc/[redacted]/identify');
    expect(redactCallbackUrl('/v1/callback/abc/SECRET?x=1')).toBe('/v1/callback/abc/[redacted]?x=1');
  });

  it('when another URL is logged, then it is unchanged', () => {
    expect(redactCallbackUrl('/readyz')).toBe('/readyz');
    expect(redactCallbackUrl('/v1/callback/abc')).toBe('/v1/callback/abc');
  });

  it('when any secret is in a callback URL, then it never survives redaction', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/), fc.stringMatching(/^[A-Za-z0-9_.~-]{8,64}$/), fc.constantFrom('', '/identify', '/authorise?subscriber_id=a&product=b'), (id, secret, rest) => {
        const redacted = redactCallbackUrl(`/v1/callback/${id}/${secret}${rest}`);
        expect(redacted).toBe(`/v1/callback/${id}/[redacted]${rest}`);
      }),
    );
  });
});
