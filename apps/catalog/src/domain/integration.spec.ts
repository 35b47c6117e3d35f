import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callbackUrl, callbackUrlTemplate, editIntegration, newCallbackSecret, rotateSecret, secretVerifier, toGatewayIntegration, toIntegrationChanged, type Integration } from './integration.ts';

const integration: Integration = {
  id: '0b9f8a84-8a39-4d6f-9b6f-6f0f7f0e5d11',
  type: 'neo',
  description: 'NEO',
  loginField: 'cpf_cnpj',
  singlePackage: false,
  syncSubscriptionStatus: true,
  exclusivePackages: false,
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

describe('integration edits (R1)', () => {
  it('R1: when the login field and flags change, then the version moves on and the event carries them', () => {
    const { integration: edited, changed } = editIntegration(integration, { loginField: 'email', singlePackage: true, syncSubscriptionStatus: false });
    expect(changed).toBe(true);
    expect(edited.version).toBe(2);
    expect(toIntegrationChanged(edited, new Date('2026-11-28T00:00:00Z'))).toMatchObject({ loginField: 'email', singlePackage: true, syncSubscriptionStatus: false, version: 2 });
  });

  it('R1: when an integration is deactivated, then the gateway record says it is inactive', () => {
    const { integration: inactive } = editIntegration(integration, { active: false });
    expect(toGatewayIntegration(inactive, new Date()).active).toBe(false);
  });

  it('R1: when a request repeats the current values, then nothing changes and the version stays', () => {
    expect(editIntegration(integration, { description: 'NEO', loginField: 'cpf_cnpj', active: true, platform: { baseUrl: 'https://neo.example' } })).toEqual({
      integration,
      changed: false,
    });
  });

  it('R1: when only the platform secret is replaced, then it counts as a change', () => {
    expect(editIntegration(integration, {}, true)).toMatchObject({ changed: true, integration: { version: 2 } });
  });

  it('R1: the announced event and gateway record carry no secret or platform credential', () => {
    const now = new Date('2026-11-28T00:00:00Z');
    const announced = JSON.stringify([toIntegrationChanged(integration, now), toGatewayIntegration(integration, now)]);
    expect(announced).not.toContain('first-secret');
    expect(announced).not.toContain('neo.example');
    expect(announced).not.toContain('"isp"');
  });
});

describe('callback secret rotation overlap (R3)', () => {
  it('R3: when rotated twice, then only the latest previous secret overlaps; the one before stops at once', () => {
    const now = new Date('2026-11-28T00:00:00Z');
    const once = rotateSecret(integration, 'second-secret', now, 3_600_000);
    const twice = rotateSecret(once, 'third-secret', new Date('2026-11-28T00:10:00Z'), 3_600_000);
    const verifiers = toGatewayIntegration(twice, new Date('2026-11-28T00:10:00Z')).secretVerifiers.map((v) => v.sha256);
    expect(verifiers).toEqual([secretVerifier('third-secret'), secretVerifier('second-secret')]);
    expect(verifiers).not.toContain(secretVerifier('first-secret'));
  });
});
