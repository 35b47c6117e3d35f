import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const key = 'k'.repeat(32);

describe('gateway configuration', () => {
  it('R17: an "allowed" answer may be cached 60 s by default, so a suspension for debt reaches a caching platform within a minute', () => {
    expect(loadConfig({ LOGIN_HASH_KEY: key }).allowTtlSeconds).toBe(60);
    expect(loadConfig({ LOGIN_HASH_KEY: key, GATEWAY_ALLOW_TTL_SECONDS: '300' }).allowTtlSeconds).toBe(300);
  });
});

describe('gateway configuration of the end user\'s address (R14)', () => {
  it('when trusted ranges are listed, then they are read; when one is not a range, then the variable is named as bad', () => {
    expect(loadConfig({ LOGIN_HASH_KEY: key }).endUserAddressTrusted).toEqual([]);
    expect(loadConfig({ LOGIN_HASH_KEY: key, GATEWAY_END_USER_ADDRESS_TRUSTED: '203.0.113.0/24, 2001:db8::/32' }).endUserAddressTrusted).toEqual(['203.0.113.0/24', '2001:db8::/32']);
    expect(() => loadConfig({ LOGIN_HASH_KEY: key, GATEWAY_END_USER_ADDRESS_TRUSTED: '203.0.113.0/24,neo.example' })).toThrow(/GATEWAY_END_USER_ADDRESS_TRUSTED/);
  });
});
