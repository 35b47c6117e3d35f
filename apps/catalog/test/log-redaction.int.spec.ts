import type { AddressInfo } from 'node:net';
import { captureSpans, probeForLeaks, sensitiveValues } from '@sva/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogHarness } from './support/catalog-harness.ts';

/**
 * Issue 11 §3: requests carrying a CPF, a password, a callback secret and an API key, plainly and
 * percent-encoded, leave none of them in the catalog's log lines or request spans.
 */
describe('catalog: nothing personal or secret in logs and spans', () => {
  // As main.ts: telemetry first, the service's modules after.
  const spans = captureSpans('catalog');
  let h: CatalogHarness;
  let baseUrl: string;

  beforeAll(async () => {
    const { startCatalogHarness } = await import('./support/catalog-harness.ts');
    h = await startCatalogHarness();
    baseUrl = `http://127.0.0.1:${(h.service.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await h?.stop();
    await spans.telemetry.shutdown();
  });

  it('when requests carry a CPF, a password, a callback secret and an API key (plain and encoded), then none is logged or traced', async () => {
    const values = sensitiveValues();
    const created = await h.createIntegration();
    const result = await probeForLeaks({
      baseUrl,
      values: { ...values, callbackSecret: created.callbackSecret as string },
      paths: ['/v1/integrations', '/v1/packages', '/v1/plans'],
      validApiKey: h.apiKey,
      logs: h.logs,
      spans,
    });
    expect(spans.telemetry.enabled).toBe(true);
    expect(result.statuses).toContain(200);
    expect(result.statuses).toContain(401);
    expect(result.requestLogLines).toBeGreaterThan(20);
    expect(result.spans).toBeGreaterThan(20);
    expect(result.leaked).toEqual([]);
    const probes = await probeForLeaks({ baseUrl, values, paths: ['/v1/integrations'], validApiKey: h.apiKey, logs: h.logs, spans });
    expect(probes.leaked).toEqual([]);
  });
});
