import type { AddressInfo } from 'node:net';
import { observeResponses, type SentResponse } from '@sva/service-kit/testing';
import { contractChecker, exerciseOperations, type OpenApiDocument } from '@sva/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCatalogHarness, type CatalogHarness } from './support/catalog-harness.ts';

/**
 * Issue 11 §2: every response this test provokes — an operator's journey, refusals, and generated
 * requests to every operation — matches what the served OpenAPI document says of it (status,
 * media type, body schema).
 */
describe('catalog: responses match the served OpenAPI document', () => {
  const seen: SentResponse[] = [];
  const stop = observeResponses((response) => seen.push(response));
  let h: CatalogHarness;

  beforeAll(async () => {
    h = await startCatalogHarness();
  });
  afterAll(async () => {
    stop();
    await h?.stop();
  });

  it('when an operator works through the API and generated requests reach every operation, then each answer is documented and matches its schema', async () => {
    const integration = await h.createIntegration();
    const pkg = await h.api('POST', '/v1/packages', { description: 'Streaming', priceCents: 2990 });
    const plan = await h.api('POST', '/v1/plans', { name: 'Fibra 600', downloadMbps: 600, uploadMbps: 300, priceCents: 12990, packages: [{ packageId: pkg.body.id, mandatory: true }] });
    const ids = [integration.id as string, pkg.body.id as string, plan.body.id as string];
    for (const path of ['/v1/integrations', '/v1/packages', '/v1/plans']) await h.api('GET', path);
    await h.api('GET', `/v1/integrations/${integration.id}`);
    await h.api('GET', `/v1/packages/${pkg.body.id}`);
    await h.api('GET', `/v1/plans/${plan.body.id}`);
    await h.api('PATCH', `/v1/packages/${pkg.body.id}`, { version: 99, priceCents: 1 });
    await h.api('GET', '/v1/packages', undefined, {});
    await h.api('GET', '/v1/nowhere');

    const baseUrl = `http://127.0.0.1:${(h.service.app.server.address() as AddressInfo).port}`;
    const document = (await h.api('GET', '/openapi.json')).body as OpenApiDocument;
    const report = await exerciseOperations({ baseUrl, document, runsPerOperation: 15, headers: { authorization: `Bearer ${h.apiKey}` }, pathValues: { id: ids, integrationId: [integration.id as string] } });
    expect(report.failures).toEqual([]);

    const check = contractChecker(document);
    const mismatches = seen.flatMap(check);
    const statuses = new Set(seen.map((response) => response.status));
    expect(seen.length).toBeGreaterThan(report.requests);
    for (const status of [200, 201, 400, 401, 404, 409]) expect(statuses, `status ${status} provoked`).toContain(status);
    expect(mismatches).toEqual([]);
  });
});
