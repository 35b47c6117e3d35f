import { exerciseOperations, type OpenApiDocument } from '@sva/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entitlementRecord, integrationId, secret } from './fixtures.ts';
import { startTestGateway, type TestGateway } from './gateway.ts';

/** Generated requests per operation: `FUZZ_RUNS_PER_OPERATION` (the default keeps this file under a minute on CI). */
const runs = Number(process.env.FUZZ_RUNS_PER_OPERATION ?? 2_000);

/**
 * Issue 11 (done when): property-based fuzzing driven from the served OpenAPI document (beside the
 * hand-written generators of fuzz.spec.ts) — both callbacks, path, query and body drawn from their
 * schemas and mutated with junk — never gets a 5xx, and every refusal is problem+json.
 */
describe('neo-gateway: fuzzing every operation from its OpenAPI schemas', () => {
  let gateway: TestGateway;
  let baseUrl: string;
  beforeAll(async () => {
    gateway = await startTestGateway({ config: { identifyFailureBudget: 1_000_000, identifyFailureBurst: 1_000_000, identifyFailuresPerLogin: 1_000_000 }, entitlements: Array.from({ length: 3 }, (_, n) => entitlementRecord({ n })) });
    baseUrl = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it(`when ${runs} generated requests reach each operation, then none gets a 5xx and every refusal is problem+json`, { timeout: 300_000 }, async () => {
    const document = (await gateway.app.inject({ method: 'GET', url: '/openapi.json' })).json() as OpenApiDocument;
    const report = await exerciseOperations({ baseUrl, document, runsPerOperation: runs, pathValues: { integrationId: [integrationId], secret: [secret] } });
    expect(report.failures).toEqual([]);
    const statuses = new Set(Object.values(report.statuses).flatMap((counts) => Object.keys(counts).map(Number)));
    expect(statuses).toContain(200);
    expect(statuses).toContain(400);
    process.stdout.write(`${JSON.stringify({ fuzz: 'neo-gateway', runsPerOperation: runs, operations: Object.keys(report.statuses).length, requests: report.requests, slowestMs: Object.entries(report.elapsedMs).sort((a, b) => b[1] - a[1]).slice(0, 3) })}\n`);
  });
});
