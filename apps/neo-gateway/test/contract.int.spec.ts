import { observeResponses, type SentResponse } from '@sva/service-kit/testing';
import { contractChecker, exerciseOperations, type OpenApiDocument } from '@sva/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpf, entitlementRecord, integrationId, secret, subscriberId } from './fixtures.ts';
import { startTestGateway, type TestGateway } from './gateway.ts';

/**
 * Issue 11 §2: every response this test provokes — NEO's calls, right and wrong, and generated
 * requests to every callback — matches what the served OpenAPI document says of it (status, media
 * type, body schema).
 */
describe('neo-gateway: responses match the served OpenAPI document', () => {
  const seen: SentResponse[] = [];
  const stop = observeResponses((response) => seen.push(response));
  let gateway: TestGateway;
  let baseUrl: string;

  beforeAll(async () => {
    gateway = await startTestGateway({ config: { identifyFailureBudget: 1_000_000, identifyFailureBurst: 1_000_000, identifyFailuresPerLogin: 1_000_000 }, entitlements: Array.from({ length: 3 }, (_, n) => entitlementRecord({ n })) });
    baseUrl = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    stop();
    await gateway?.stop();
  });

  it('when NEO calls and generated requests reach every callback, then each answer is documented and matches its schema', async () => {
    const base = `/v1/callback/${integrationId}/${secret}`;
    const inject = (method: 'GET' | 'POST', url: string, payload?: object) => gateway.app.inject({ method, url, ...(payload ? { payload } : {}) });
    await inject('POST', `${base}/identify`, { login: cpf(1), password: 'wrong' });
    await inject('GET', `${base}/authorise?subscriber_id=${subscriberId(1)}&product=mumo`);
    await inject('GET', `${base}/authorise?subscriber_id=${subscriberId(1)}&product=NOT VALID`);
    await inject('GET', `/v1/callback/${integrationId}/wrong-secret/authorise?subscriber_id=x&product=mumo`);
    await inject('GET', '/readyz');

    const document = (await inject('GET', '/openapi.json')).json() as OpenApiDocument;
    const report = await exerciseOperations({ baseUrl, document, runsPerOperation: 200, pathValues: { integrationId: [integrationId], secret: [secret] } });
    expect(report.failures).toEqual([]);

    const mismatches = seen.flatMap(contractChecker(document));
    const statuses = new Set(seen.map((response) => response.status));
    expect(seen.length).toBeGreaterThan(report.requests);
    for (const status of [200, 400, 404]) expect(statuses, `status ${status} provoked`).toContain(status);
    expect(mismatches).toEqual([]);
  });
});
