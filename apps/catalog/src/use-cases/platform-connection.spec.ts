import { describe, expect, it } from 'vitest';
import type { CatalogContext } from '../context.ts';
import { createSealer } from '../credentials.ts';
import type { IntegrationRow } from '../repositories/integration.repository.ts';
import type { PlatformConnection } from '../platform/content-platform.ts';
import { platformClient } from './platform-connection.ts';

const row = (sealed: string) => ({ platformBaseUrl: 'https://neo.example', platformClientId: 'isp', platformSecretSealed: sealed }) as IntegrationRow;

describe('opening the sealed platform credentials (R1)', () => {
  it('R1: when the secret was sealed with the configured key, then the client gets it in the clear', () => {
    const opened: PlatformConnection[] = [];
    const sealer = createSealer('the-configured-credentials-key-0001');
    const ctx = { sealer, platform: (connection: PlatformConnection) => (opened.push(connection), { test: async () => {}, listProducts: async () => [] }) } as unknown as CatalogContext;
    platformClient(ctx, row(sealer.seal('neo-secret')));
    expect(opened).toEqual([{ baseUrl: 'https://neo.example', clientId: 'isp', clientSecret: 'neo-secret' }]);
  });

  it('R1: when the key changed since the secret was sealed, then a stable error asks for the secret again, without revealing it', () => {
    const sealed = createSealer('an-older-credentials-key-000000001').seal('neo-secret');
    const ctx = { sealer: createSealer('the-configured-credentials-key-0001'), platform: () => ({}) } as unknown as CatalogContext;
    let failure: unknown;
    try {
      platformClient(ctx, row(sealed));
    } catch (error) {
      failure = error;
    }
    expect(failure).toMatchObject({ code: 'CATALOG_PLATFORM_CREDENTIALS_UNREADABLE', status: 500 });
    expect(String((failure as Error).message)).toContain('set platform.clientSecret again');
    expect(String((failure as Error).message)).not.toContain('neo-secret');
  });
});
