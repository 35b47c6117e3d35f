import { observeResponses, type SentResponse } from '@sva/service-kit/testing';
import { contractChecker, exerciseOperations, type OpenApiDocument } from '@sva/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, startHarness, validCpf, type Harness } from './support/harness.ts';

/**
 * Issue 11 §2: every response this test provokes — a support journey, refusals, and generated
 * requests to every operation — matches what the served OpenAPI document says of it (status,
 * media type, body schema).
 */
describe('subscriptions: responses match the served OpenAPI document', () => {
  const seen: SentResponse[] = [];
  const stop = observeResponses((response) => seen.push(response));
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    stop();
    await h?.stop();
  });

  it('when an operator works through the API and generated requests reach every operation, then each answer is documented and matches its schema', async () => {
    const cpf = validCpf();
    const { customerId, serviceId } = await h.customerWithService({}, { document: cpf });
    await h.call('GET', `/v1/customers?document=${cpf}`);
    await h.call('GET', `/v1/customers/${customerId}`);
    await h.call('GET', `/v1/customers/${customerId}/history`);
    await h.call('POST', '/v1/customers', { name: 'Twice', document: cpf });
    await h.call('GET', '/v1/customers', undefined, { authorization: 'Bearer wrong' });

    const document = (await h.call('GET', '/openapi.json')).body as OpenApiDocument;
    const report = await exerciseOperations({
      baseUrl: h.url,
      document,
      runsPerOperation: 10,
      headers: { authorization: `Bearer ${API_KEY}` },
      pathValues: { id: [customerId, serviceId], customerId: [customerId], serviceId: [serviceId] },
    });
    expect(report.failures).toEqual([]);

    const mismatches = seen.flatMap(contractChecker(document));
    const statuses = new Set(seen.map((response) => response.status));
    expect(seen.length).toBeGreaterThan(report.requests);
    for (const status of [200, 201, 400, 401, 404]) expect(statuses, `status ${status} provoked`).toContain(status);
    expect(mismatches).toEqual([]);
  });
});
