import type { AddressInfo } from 'node:net';
import { exerciseOperations, type OpenApiDocument } from '@sva/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCatalogHarness, type CatalogHarness } from './support/catalog-harness.ts';

/** Generated requests per operation: `FUZZ_RUNS_PER_OPERATION` (a thousand by default; 85 to 96 s per service in a full CI run). */
const runs = Number(process.env.FUZZ_RUNS_PER_OPERATION ?? 1_000);

/**
 * Issue 11 (done when): property-based fuzzing driven from the served OpenAPI document — every
 * operation, path, query and body drawn from their schemas and mutated with junk — never gets a
 * 5xx, and every refusal is problem+json.
 */
describe('catalog: fuzzing every operation from its OpenAPI schemas', () => {
  let h: CatalogHarness;
  beforeAll(async () => {
    // Fuzzed platform URLs fail at once and never leave the machine, so the budget goes to the API.
    h = await startCatalogHarness({ platformOffline: true });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it(`when ${runs} generated requests reach each operation, then none gets a 5xx and every refusal is problem+json`, { timeout: 300_000 }, async () => {
    const integration = await h.createIntegration();
    const pkg = await h.api('POST', '/v1/packages', { description: 'Fuzzed', priceCents: 100 });
    const document = (await h.api('GET', '/openapi.json')).body as OpenApiDocument;
    const report = await exerciseOperations({
      baseUrl: `http://127.0.0.1:${(h.service.app.server.address() as AddressInfo).port}`,
      document,
      runsPerOperation: runs,
      headers: { authorization: `Bearer ${h.apiKey}` },
      pathValues: { id: [integration.id as string, pkg.body.id as string] },
    });
    expect(report.failures).toEqual([]);
    // The generator reaches the accepted paths as well as the refusals.
    const statuses = new Set(Object.values(report.statuses).flatMap((counts) => Object.keys(counts).map(Number)));
    expect([...statuses].some((status) => status < 300)).toBe(true);
    expect(statuses).toContain(400);
    process.stdout.write(`${JSON.stringify({ fuzz: 'catalog', runsPerOperation: runs, operations: Object.keys(report.statuses).length, requests: report.requests, slowestMs: Object.entries(report.elapsedMs).sort((a, b) => b[1] - a[1]).slice(0, 3) })}\n`);
  });
});
