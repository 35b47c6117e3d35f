import { randomUUID } from 'node:crypto';
import { observeResponses, type SentResponse } from '@sva/service-kit/testing';
import { contractChecker, exerciseOperations, type OpenApiDocument } from '@sva/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKey, startBilling, type BillingHarness } from './support.ts';

/**
 * Issue 11 §2: every response this test provokes — invoice facts, standing, settings, refusals,
 * and generated requests to every operation — matches what the served OpenAPI document says of it
 * (status, media type, body schema).
 */
describe('billing-status: responses match the served OpenAPI document', () => {
  const seen: SentResponse[] = [];
  const stop = observeResponses((response) => seen.push(response));
  let h: BillingHarness;

  beforeAll(async () => {
    h = await startBilling();
  });
  afterAll(async () => {
    stop();
    await h?.stop();
  });

  it('when facts are reported and generated requests reach every operation, then each answer is documented and matches its schema', async () => {
    const customerId = randomUUID();
    const fact = { fact: 'issued', invoiceId: 'INV-1', customerId, amountCents: 9990, dueDate: '2026-11-25', occurredAt: '2026-11-20T10:00:00Z' };
    await h.call('POST', '/v1/invoice-facts', fact);
    await h.call('POST', '/v1/invoice-facts', fact);
    await h.call('GET', `/v1/customers/${customerId}/standing`);
    await h.call('GET', '/v1/settings');

    const document = (await h.call('GET', '/openapi.json')).body as OpenApiDocument;
    const report = await exerciseOperations({ baseUrl: h.url, document, runsPerOperation: 15, headers: { authorization: `Bearer ${apiKey}` }, pathValues: { customerId: [customerId], id: [customerId] } });
    expect(report.failures).toEqual([]);

    const mismatches = seen.flatMap(contractChecker(document));
    const statuses = new Set(seen.map((response) => response.status));
    expect(seen.length).toBeGreaterThan(report.requests);
    for (const status of [200, 400, 404]) expect(statuses, `status ${status} provoked`).toContain(status);
    expect(mismatches).toEqual([]);
  });
});
