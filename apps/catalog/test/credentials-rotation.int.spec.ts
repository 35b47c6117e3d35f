import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { type CatalogHarness, startCatalogHarness } from './support/catalog-harness.ts';

const key = () => randomBytes(32).toString('base64url');

describe('rotating CATALOG_CREDENTIALS_KEY without downtime (README "Rotating keys")', () => {
  const harnesses: CatalogHarness[] = [];
  afterAll(async () => {
    for (const harness of harnesses.reverse()) await harness.stop();
  });

  it('when replicas move from the old key to the new one (new key current, old one previous, then old one dropped), then Test reaches the platform with the stored credentials before, during and after', async () => {
    const oldKey = key();
    const newKey = key();
    const before = await startCatalogHarness({ credentialsKey: oldKey });
    harnesses.push(before);
    const created = await before.createIntegration({ platform: { baseUrl: before.simulator.url, clientId: 'isp-acme', clientSecret: before.simulator.credentials.clientSecret } });
    expect((await before.api('POST', `/v1/integrations/${created.id}/test`)).body).toEqual({ ok: true });

    // During: a replica with the new key current and the old one previous re-seals at start.
    const during = await startCatalogHarness({ credentialsKey: newKey, previousCredentialsKeys: [oldKey], databaseUrl: before.databaseUrl });
    harnesses.push(during);
    expect(during.logs()).toContain('platform credentials re-sealed under the current key');
    expect((await during.api('POST', `/v1/integrations/${created.id}/test`)).body).toEqual({ ok: true });

    // After: the old key is gone from the ring; what was stored still opens.
    const after = await startCatalogHarness({ credentialsKey: newKey, databaseUrl: before.databaseUrl });
    harnesses.push(after);
    expect(after.logs()).not.toContain('no configured CATALOG_CREDENTIALS_KEY opens');
    expect((await after.api('POST', `/v1/integrations/${created.id}/test`)).body).toEqual({ ok: true });

    // A replica that never had the new key cannot read them any more (why the old key goes last).
    expect((await before.api('POST', `/v1/integrations/${created.id}/test`)).status).not.toBe(200);
  });
});
