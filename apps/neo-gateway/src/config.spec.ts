import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const key = 'k'.repeat(32);

describe('gateway configuration', () => {
  it('R17: an "allowed" answer may be cached 60 s by default, so a suspension for debt reaches a caching platform within a minute', () => {
    expect(loadConfig({ LOGIN_HASH_KEY: key }).allowTtlSeconds).toBe(60);
    expect(loadConfig({ LOGIN_HASH_KEY: key, GATEWAY_ALLOW_TTL_SECONDS: '300' }).allowTtlSeconds).toBe(300);
  });
});
