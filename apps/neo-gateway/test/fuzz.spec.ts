import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpf, entitlementRecord, integrationId, secret, subscriberId } from './fixtures.ts';
import { startTestGateway, type TestGateway } from './gateway.ts';

/**
 * Property-based fuzzing of both callbacks (issue 7): whatever arrives — any path segments, query,
 * content type or body — the answer is never a 5xx, and every error is problem+json.
 */
const runs = 10_000;
const base = `/v1/callback/${integrationId}/${secret}`;

const segment = fc.oneof(
  fc.constant(integrationId),
  fc.constant(secret),
  fc.string({ maxLength: 80 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom('', '%', '%zz', '%00', '..', '%2F', 'a%E0%A4%A'),
);
const prefix = fc.oneof({ weight: 4, arbitrary: fc.constant(base) }, { weight: 1, arbitrary: fc.tuple(segment, segment).map(([id, s]) => `/v1/callback/${id}/${s}`) });
const text = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 100 }), fc.constantFrom(cpf(1), '000.000.000-01', subscriberId(1), 'mumo', ''));
const anyValue = fc.oneof(text, fc.jsonValue({ maxDepth: 3 }), fc.constant(null), fc.integer(), fc.boolean());

const identifyRequest = fc.record({
  url: fc.oneof({ weight: 6, arbitrary: prefix.map((p) => `${p}/identify`) }, { weight: 1, arbitrary: fc.tuple(prefix, segment).map(([p, s]) => `${p}/${s}`) }),
  contentType: fc.option(fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/xml', 'x/y'), { nil: undefined }),
  payload: fc.oneof(
    { weight: 4, arbitrary: fc.record({ login: anyValue, password: anyValue }, { requiredKeys: [] }).map((body) => JSON.stringify(body)) },
    { weight: 2, arbitrary: fc.dictionary(fc.string({ maxLength: 10 }), anyValue, { maxKeys: 4 }).map((body) => JSON.stringify(body)) },
    { weight: 2, arbitrary: fc.json({ maxDepth: 4 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"login":', '[]', 'null', '"x"', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', 'x'.repeat(5_000)) },
  ),
  remoteAddress: fc.constantFrom('203.0.113.1', '203.0.113.2', '2001:db8::1'),
});

const queryValue = fc.oneof(text.map(encodeURIComponent), fc.constantFrom('%', '%zz', '%E0%A4%A', subscriberId(1), 'mumo'));
const authoriseRequest = fc.record({
  path: fc.oneof({ weight: 6, arbitrary: prefix.map((p) => `${p}/authorise`) }, { weight: 1, arbitrary: fc.tuple(prefix, segment).map(([p, s]) => `${p}/${s}`) }),
  query: fc.array(
    fc.tuple(fc.oneof(fc.constantFrom('subscriber_id', 'product', 'x', '__proto__', 'constructor'), fc.string({ maxLength: 10 }).map(encodeURIComponent)), queryValue),
    { maxLength: 5 },
  ),
  method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'OPTIONS'),
});

describe('fuzzing the callbacks: malformed input is a 4xx problem, never a 5xx', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({
      config: { identifyFailureBudget: 1_000_000, identifyFailureBurst: 1_000_000 },
      entitlements: Array.from({ length: 5 }, (_, n) => entitlementRecord({ n })),
    });
  });
  afterAll(async () => {
    await gateway.stop();
  });

  const check = (statusCode: number, contentType: string | undefined, what: unknown) => {
    if (statusCode >= 500) throw new Error(`${statusCode} for ${JSON.stringify(what)}`);
    if (statusCode >= 400) expect(contentType, JSON.stringify(what)).toContain('application/problem+json');
  };

  it(`identify: ${runs} random requests, 0 answered with 5xx`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(identifyRequest, async (request) => {
        const response = await gateway.app.inject({
          method: 'POST',
          url: request.url,
          payload: request.payload,
          remoteAddress: request.remoteAddress,
          headers: request.contentType === undefined ? {} : { 'content-type': request.contentType },
        });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        check(response.statusCode, response.headers['content-type'] as string | undefined, request);
      }),
      { numRuns: runs },
    );
    // The generator reaches the answers as well as the refusals.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 400, 404]));
  }, 120_000);

  it(`authorise: ${runs} random requests, 0 answered with 5xx`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(authoriseRequest, async (request) => {
        const url = `${request.path}${request.query.length > 0 ? '?' : ''}${request.query.map(([k, v]) => `${k}=${v}`).join('&')}`;
        const response = await gateway.app.inject({ method: request.method as 'GET', url });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        check(response.statusCode, response.headers['content-type'] as string | undefined, { ...request, url });
      }),
      { numRuns: runs },
    );
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 400, 404]));
  }, 120_000);
});
