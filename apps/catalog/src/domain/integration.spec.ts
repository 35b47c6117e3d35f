import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callbackUrl, callbackUrlTemplate, newCallbackSecret, rotateSecret, secretVerifier, toGatewayIntegration, type Integration } from './integration.ts';

const integration: Integration = {
  id: '0b9f8a84-8a39-4d6f-9b6f-6f0f7f0e5d11',
  type: 'neo',
  description: 'NEO',
  loginField: 'cpf_cnpj',
  singlePackage: false,
  syncSubscriptionStatus: true,
  active: true,
  platform: { baseUrl: 'https://neo.example', clientId: 'isp' },
  secretSha256: secretVerifier('first-secret'),
  previousSecretSha256: null,
  previousSecretValidUntil: null,
  version: 1,
};

describe('integration callback secret (R3)', () => {
  it('R3: when a secret is made, then it carries 256 random bits, URL-safe', () => {
    const secret = newCallbackSecret((size) => new Uint8Array(size).fill(7));
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('R3: when verified, then only the SHA-256 of the secret is kept', () => {
    expect(secretVerifier('abc')).toBe(createHash('sha256').update('abc').digest('base64url'));
  });

  it('R3: the callback URL holds the secret; the listed one hides it', () => {
    expect(callbackUrl('https://gw.isp.example/', integration.id, 's3cr3t')).toBe(`https://gw.isp.example/v1/callback/${integration.id}/s3cr3t`);
    expect(callbackUrlTemplate('https://gw.isp.example', integration.id)).toContain('{secret}');
  });

  it('R3: when rotated, then the previous secret stays valid for the overlap and then drops out', () => {
    const now = new Date('2026-11-28T00:00:00Z');
    const rotated = rotateSecret(integration, 'second-secret', now, 3_600_000);
    expect(rotated.version).toBe(2);
    expect(toGatewayIntegration(rotated, now).secretVerifiers).toEqual([
      { sha256: secretVerifier('second-secret'), validUntil: null },
      { sha256: secretVerifier('first-secret'), validUntil: '2026-11-28T01:00:00.000Z' },
    ]);
    expect(toGatewayIntegration(rotated, new Date('2026-11-28T01:00:01Z')).secretVerifiers).toHaveLength(1);
  });
});
