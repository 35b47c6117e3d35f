import { exerciseOperations, type OpenApiDocument } from '@sva/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, API_KEY, type Harness } from './support/harness.ts';

/** Generated requests per operation: `FUZZ_RUNS_PER_OPERATION` (a thousand by default; 85 to 96 s per service in a full CI run). */
const runs = Number(process.env.FUZZ_RUNS_PER_OPERATION ?? 1_000);

/**
 * Issue 11 (done when): property-based fuzzing driven from the served OpenAPI document — every
 * operation, path, query and body drawn from their schemas and mutated with junk — never gets a
 * 5xx, and every refusal is problem+json.
 */
describe('subscriptions: fuzzing every operation from its OpenAPI schemas', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it(`when ${runs} generated requests reach each operation, then none gets a 5xx and every refusal is problem+json`, { timeout: 300_000 }, async () => {
    const { customerId, serviceId } = await h.customerWithService();
    const document = (await h.call('GET', '/openapi.json')).body as OpenApiDocument;
    const report = await exerciseOperations({
      baseUrl: h.url,
      document,
      runsPerOperation: runs,
      headers: { authorization: `Bearer ${API_KEY}` },
      pathValues: { id: [customerId, serviceId], customerId: [customerId], serviceId: [serviceId] },
    });
    expect(report.failures).toEqual([]);
    // The generator reaches the accepted paths as well as the refusals.
    const statuses = new Set(Object.values(report.statuses).flatMap((counts) => Object.keys(counts).map(Number)));
    expect([...statuses].some((status) => status < 300)).toBe(true);
    expect(statuses).toContain(400);
    process.stdout.write(`${JSON.stringify({ fuzz: 'subscriptions', runsPerOperation: runs, operations: Object.keys(report.statuses).length, requests: report.requests, slowestMs: Object.entries(report.elapsedMs).sort((a, b) => b[1] - a[1]).slice(0, 3) })}\n`);
  });
});
