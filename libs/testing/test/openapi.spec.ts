import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { arbitraryFor, contractChecker, operationRequests, type OpenApiDocument } from '../src/index.ts';

const document: OpenApiDocument = {
  openapi: '3.1.0',
  paths: {
    '/v1/widgets/{id}': {
      get: {
        operationId: 'getWidgetsById',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }, { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 10 } }],
        responses: {
          200: { description: 'ok', content: { 'application/json': { schema: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } } } },
          404: { $ref: '#/components/responses/NotFound' },
        },
      },
    },
  },
  components: {
    schemas: { Problem: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } } },
    responses: { NotFound: { description: 'no', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } },
  },
};

describe('contractChecker', () => {
  const check = contractChecker(document);
  const base = { method: 'GET', route: '/v1/widgets/:id' } as const;

  it('when a response matches its documented status, media type and schema, then no mismatch', () => {
    expect(check({ ...base, status: 200, contentType: 'application/json; charset=utf-8', body: '{"id":"w1"}' })).toEqual([]);
    expect(check({ ...base, status: 404, contentType: 'application/problem+json; charset=utf-8', body: '{"code":"X"}' })).toEqual([]);
  });

  it('when the status, the media type or the body is not what the document says, then each is reported', () => {
    expect(check({ ...base, status: 409, contentType: 'application/json', body: '{}' })[0]).toContain('status not documented');
    expect(check({ ...base, status: 404, contentType: 'application/json', body: '{"code":"X"}' })[0]).toContain('media type');
    expect(check({ ...base, status: 200, contentType: 'application/json', body: '{"name":1}' })[0]).toContain('does not match');
    expect(check({ ...base, status: 404, contentType: 'application/problem+json', body: '{}' })[0]).toContain('does not match');
    expect(check({ method: 'GET', route: '/v1/other', status: 200, contentType: 'application/json', body: '{}' })[0]).toContain('not documented');
    expect(check({ method: 'GET', route: '/v1/other', status: 404, contentType: 'application/json', body: '{}' })[0]).toContain('problem+json');
  });
});

describe('generated requests', () => {
  it('when values are drawn from a schema, then most satisfy it', () => {
    const ids = fc.sample(arbitraryFor(document, { type: 'string', format: 'uuid' }), 50);
    expect(ids.every((id) => typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id))).toBe(true);
    const limits = fc.sample(arbitraryFor(document, { type: 'integer', minimum: 1, maximum: 10 }), 50) as number[];
    expect(limits.every((limit) => limit >= 1 && limit <= 10)).toBe(true);
  });

  it('when requests are generated for an operation, then they fill its path and query, sometimes with junk', () => {
    const requests = fc.sample(operationRequests(document, '/v1/widgets/{id}', 'get', { pathValues: { id: ['known-id'] } }), 300);
    expect(requests.every((request) => request.url.startsWith('/v1/widgets/') && request.method === 'GET')).toBe(true);
    expect(requests.some((request) => request.url.startsWith('/v1/widgets/known-id'))).toBe(true);
    expect(requests.some((request) => /^\/v1\/widgets\/[0-9a-f-]{36}/.test(request.url))).toBe(true);
    expect(requests.some((request) => /limit=(?!\d+(&|$))/.test(request.url))).toBe(true);
  });
});
