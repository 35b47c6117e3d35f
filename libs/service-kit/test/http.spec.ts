import { ConflictError, RuleViolationError, UnavailableError } from '@sva/kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHttpApp, type HttpApp, type HttpAppOptions, type ReadinessReport } from '../src/index.ts';
import { captureLogs, type CapturedLogger } from './support/capture-logs.ts';

const ready = async (): Promise<ReadinessReport> => ({ ready: true, checks: { database: { ok: true } } });

const Widget = z.object({ name: z.string().min(1), size: z.number().int().positive() });

let current: HttpApp | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

function build(options: Partial<HttpAppOptions> = {}, logs: CapturedLogger = captureLogs()) {
  const built = createHttpApp({ name: 'widgets', version: '1.2.3', logger: logs.logger, readiness: ready, ...options });
  current = built.app;
  const { app } = built;
  app.post(
    '/v1/widgets',
    { schema: { body: Widget, response: { 201: Widget.extend({ id: z.string() }) } } },
    async (request, reply) => reply.code(201).send({ id: 'w1', ...request.body }),
  );
  app.get('/v1/widgets/:id', { schema: { params: z.object({ id: z.string().regex(/^w\d+$/) }) } }, async (request) => ({
    id: request.params.id,
  }));
  app.get('/v1/rules', async () => {
    throw new RuleViolationError('WIDGETS_TOO_BIG', 'a widget may not exceed size 10', 'R7', [
      { path: 'size', message: 'at most 10', rule: 'R7' },
    ]);
  });
  app.get('/v1/conflict', async () => {
    throw new ConflictError('WIDGETS_STALE', 'the widget changed meanwhile');
  });
  app.get('/v1/unavailable', async () => {
    throw new UnavailableError('WIDGETS_DB_DOWN', 'database unreachable: host db.internal', new Error('ECONNREFUSED'));
  });
  app.get('/v1/boom', async () => {
    throw new Error('secret detail');
  });
  app.get('/v1/bad-response', { schema: { response: { 200: z.object({ ok: z.boolean() }) } } }, async () => ({ ok: 'secret detail' }) as never);
  return { ...built, logs };
}

const problemType = 'application/problem+json; charset=utf-8';

describe('createHttpApp: problem+json answers', () => {
  it('when a body field fails its zod schema, then 400 problem+json lists the field as body.name', async () => {
    const { app } = build();
    const response = await app.inject({ method: 'POST', url: '/v1/widgets', payload: { name: 42, size: 1 } });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe(problemType);
    const body = response.json();
    expect(body).toMatchObject({ status: 400, code: 'HTTP_VALIDATION_FAILED', type: 'urn:sva:problem:HTTP_VALIDATION_FAILED' });
    expect(body.errors).toEqual([{ path: 'body.name', message: expect.any(String) }]);
    expect(body.instance).toEqual(expect.any(String));
  });

  it('when a path parameter is invalid, then the problem names params.id', async () => {
    const { app } = build();
    const response = await app.inject({ method: 'GET', url: '/v1/widgets/nope' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([{ path: 'params.id', message: expect.any(String) }]);
  });

  it('when the input is valid, then the handler answers with the zod-serialised body', async () => {
    const { app } = build();
    const response = await app.inject({ method: 'POST', url: '/v1/widgets', payload: { name: 'a', size: 2 } });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ id: 'w1', name: 'a', size: 2 });
  });

  it('when the JSON is malformed, then 400 problem+json, not 500', async () => {
    const { app } = build();
    const response = await app.inject({
      method: 'POST',
      url: '/v1/widgets',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe(problemType);
    expect(response.json()).toMatchObject({ status: 400, code: expect.stringMatching(/^HTTP_/) });
  });

  it('when the body is larger than bodyLimit, then 413 problem+json', async () => {
    const { app } = build({ bodyLimit: 100 });
    const response = await app.inject({ method: 'POST', url: '/v1/widgets', payload: { name: 'x'.repeat(200), size: 1 } });
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toBe(problemType);
    expect(response.json()).toMatchObject({ status: 413, title: 'Content Too Large', code: 'HTTP_CTP_BODY_TOO_LARGE' });
  });

  it('when the content type is not supported, then 415 problem+json', async () => {
    const { app } = build();
    const response = await app.inject({
      method: 'POST',
      url: '/v1/widgets',
      headers: { 'content-type': 'application/xml' },
      payload: '<widget/>',
    });
    expect(response.statusCode).toBe(415);
    expect(response.headers['content-type']).toBe(problemType);
    expect(response.json()).toMatchObject({ status: 415, code: 'HTTP_CTP_INVALID_MEDIA_TYPE' });
  });

  it('when no route matches, then 404 problem+json HTTP_ROUTE_NOT_FOUND', async () => {
    const { app } = build();
    const response = await app.inject({ method: 'GET', url: '/nowhere?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe(problemType);
    expect(response.json()).toMatchObject({ status: 404, code: 'HTTP_ROUTE_NOT_FOUND', detail: 'no route GET /nowhere' });
  });

  it('when a handler throws a RuleViolationError, then its status, code, rule and errors are answered', async () => {
    const { app } = build();
    const response = await app.inject({ method: 'GET', url: '/v1/rules' });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toBe(problemType);
    expect(response.json()).toEqual({
      type: 'urn:sva:problem:WIDGETS_TOO_BIG',
      title: 'Unprocessable Content',
      status: 422,
      code: 'WIDGETS_TOO_BIG',
      detail: 'a widget may not exceed size 10',
      rule: 'R7',
      errors: [{ path: 'size', message: 'at most 10', rule: 'R7' }],
      instance: expect.any(String),
    });
  });

  it('when a handler throws a ConflictError without rule or fields, then 409 without rule and errors', async () => {
    const { app } = build();
    const body = (await app.inject({ method: 'GET', url: '/v1/conflict' })).json();
    expect(body).toMatchObject({ status: 409, code: 'WIDGETS_STALE', detail: 'the widget changed meanwhile' });
    expect(body).not.toHaveProperty('rule');
    expect(body).not.toHaveProperty('errors');
  });

  it('when a handler throws a 5xx DomainError, then its code is answered and the failure is logged', async () => {
    const { app, logs } = build();
    const response = await app.inject({ method: 'GET', url: '/v1/unavailable' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ code: 'WIDGETS_DB_DOWN' });
    expect(logs.lines().some((line) => line.level === 50 && line.msg === 'request failed')).toBe(true);
  });

  it('when a handler throws an unexpected Error, then 500 hides the detail and the log keeps it', async () => {
    const { app, logs } = build();
    const response = await app.inject({ method: 'GET', url: '/v1/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toBe(problemType);
    expect(response.json()).toMatchObject({ status: 500, code: 'HTTP_INTERNAL', detail: 'internal error' });
    expect(response.body).not.toContain('secret detail');
    const failure = logs.lines().find((line) => line.msg === 'request failed');
    expect(failure).toBeDefined();
    expect(JSON.stringify(failure)).toContain('secret detail');
  });

  it('when a response does not match its schema, then 500 hides it and the log says so', async () => {
    const { app, logs } = build();
    const response = await app.inject({ method: 'GET', url: '/v1/bad-response' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret detail');
    expect(logs.lines().some((line) => line.msg === 'response did not match its schema')).toBe(true);
  });

  it('when a handler throws something that is not an Error, then 500 problem+json', async () => {
    const { app } = build();
    app.get('/v1/null', async () => {
      throw null;
    });
    const response = await app.inject({ method: 'GET', url: '/v1/null' });
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toBe(problemType);
    expect(response.json()).toMatchObject({ code: 'HTTP_INTERNAL' });
  });

  it('when the client sends a valid x-request-id, then it becomes the problem instance', async () => {
    const { app } = build();
    const response = await app.inject({ method: 'GET', url: '/v1/conflict', headers: { 'x-request-id': 'req-42' } });
    expect(response.json().instance).toBe('req-42');
    const odd = await app.inject({ method: 'GET', url: '/v1/conflict', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(odd.json().instance).not.toBe('bad id with spaces');
  });
});

describe('createHttpApp: probes', () => {
  it('when asked /livez, then 200', async () => {
    const { app } = build();
    const response = await app.inject({ method: 'GET', url: '/livez' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('when every readiness check passes, then /readyz is 200 with the report', async () => {
    const { app } = build();
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ready: true, checks: { database: { ok: true } } });
  });

  it('when a readiness check fails, then /readyz is 503 with that check\'s detail', async () => {
    const { app } = build({
      readiness: async () => ({ ready: false, checks: { database: { ok: true }, bus: { ok: false, detail: 'reconnecting' } } }),
    });
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json().checks.bus).toEqual({ ok: false, detail: 'reconnecting' });
  });

  it('when the readiness function itself throws, then /readyz is 503 with a generic reason and the cause is logged, not answered (issue 12)', async () => {
    const { app, logs } = build({ readiness: async () => Promise.reject(new Error('probe broke at postgres://admin@db.internal')) });
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ ready: false, checks: { readiness: { ok: false, detail: 'readiness check failed' } } });
    expect(response.body).not.toContain('db.internal');
    expect(logs.text()).toContain('probe broke');
  });

  it('when the service is shutting down, then /readyz is 503 even though checks pass', async () => {
    const { app, lifecycle } = build();
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    lifecycle.markShuttingDown();
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ ready: false, checks: { shutdown: { ok: false, detail: 'shutting down' } } });
  });
});

describe('createHttpApp: OpenAPI', () => {
  it('when asked /openapi.json, then it lists the routes with their zod-derived schemas and both security schemes', async () => {
    const { app } = build({ apiKeys: ['key-one-0123456789'] });
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toMatchObject({ title: 'widgets', version: '1.2.3' });
    expect(document.components.securitySchemes).toMatchObject({
      bearerAuth: { type: 'http', scheme: 'bearer' },
      apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
    });
    expect(document.security).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
    const post = document.paths['/v1/widgets'].post;
    const schema = post.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(['name', 'size']);
    expect(schema.properties.name).toMatchObject({ type: 'string', minLength: 1 });
    expect(schema.properties.size).toMatchObject({ type: 'integer' });
    expect(post.responses['201']).toBeDefined();
    expect(document.paths['/v1/widgets/{id}'].get.parameters).toEqual([
      expect.objectContaining({ in: 'path', name: 'id', required: true }),
    ]);
    // Issue 11: the probes and the document itself are documented, open to all (`security: []`).
    for (const path of ['/livez', '/readyz', '/openapi.json']) expect(document.paths[path].get.security, path).toEqual([]);
  });

  it('when routes are registered inside a plugin, then they are listed too', async () => {
    const { app } = build();
    await app.register(
      async (scope) => {
        scope.get('/things', { schema: { querystring: z.object({ q: z.string() }) } }, async () => ({}));
      },
      { prefix: '/v1' },
    );
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(document.paths['/v1/things'].get.parameters).toEqual([expect.objectContaining({ in: 'query', name: 'q' })]);
  });
});

describe('createHttpApp: API keys', () => {
  const keys = ['key-one-0123456789', 'key-two-0123456789'];

  it('when a /v1 route is called without a key, then 401 problem+json with www-authenticate', async () => {
    const { app } = build({ apiKeys: keys });
    const response = await app.inject({ method: 'GET', url: '/v1/widgets/w1' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toBe(problemType);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.json()).toMatchObject({ status: 401, code: 'HTTP_UNAUTHENTICATED' });
  });

  it('when the key is wrong, then 401', async () => {
    const { app } = build({ apiKeys: keys });
    const response = await app.inject({ method: 'GET', url: '/v1/widgets/w1', headers: { authorization: 'Bearer key-one-012345678X' } });
    expect(response.statusCode).toBe(401);
  });

  it('when an empty bearer is presented, then 401', async () => {
    const { app } = build({ apiKeys: keys });
    const response = await app.inject({ method: 'GET', url: '/v1/widgets/w1', headers: { authorization: 'Bearer ' } });
    expect(response.statusCode).toBe(401);
  });

  it('when Authorization: Bearer <key> is presented, then 200', async () => {
    const { app } = build({ apiKeys: keys });
    const response = await app.inject({ method: 'GET', url: '/v1/widgets/w1', headers: { authorization: `Bearer ${keys[1]}` } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: 'w1' });
  });

  it('when the bearer scheme is spelled in another case, then the key is still accepted', async () => {
    const { app } = build({ apiKeys: keys });
    const response = await app.inject({ method: 'GET', url: '/v1/widgets/w1', headers: { authorization: `bearer  ${keys[0]}` } });
    expect(response.statusCode).toBe(200);
  });

  it('when x-api-key: <key> is presented, then 200', async () => {
    const { app } = build({ apiKeys: keys });
    const response = await app.inject({ method: 'GET', url: '/v1/widgets/w1', headers: { 'x-api-key': keys[0] } });
    expect(response.statusCode).toBe(200);
  });

  it('when probes and the OpenAPI document are asked without a key, then they answer', async () => {
    const { app } = build({ apiKeys: keys });
    expect((await app.inject({ method: 'GET', url: '/livez' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200);
  });

  it('when the path is spelled with percent-encoding, then the key is still required', async () => {
    const { app } = build({ apiKeys: keys });
    for (const url of ['/%76%31/widgets/w1', '/v%31/widgets/w1']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(401);
    }
  });

  it('when a plugin mounts a route at the bare /v1 prefix, then the key is required there too', async () => {
    const { app } = build({ apiKeys: keys });
    await app.register(async (scope) => scope.get('/', async () => ({ index: true })), { prefix: '/v1' });
    expect((await app.inject({ method: 'GET', url: '/v1' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/v1', headers: { 'x-api-key': keys[0] } })).statusCode).toBe(200);
  });

  it('when one address fails 20 times, then its next wrong key gets 429 with retry-after, while a good key is still served (issue 11 §4)', async () => {
    const { app } = build({ apiKeys: keys });
    for (let attempt = 1; attempt <= 20; attempt++) {
      const response = await app.inject({ method: 'GET', url: '/v1/widgets/w1', headers: { 'x-api-key': 'wrong' } });
      expect(response.statusCode).toBe(401);
    }
    expect((await app.inject({ method: 'GET', url: '/v1/widgets/w1', headers: { 'x-api-key': keys[0] } })).statusCode).toBe(200);
    const blocked = await app.inject({ method: 'GET', url: '/v1/widgets/w1', headers: { 'x-api-key': 'wrong' } });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['content-type']).toBe(problemType);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(blocked.json()).toMatchObject({ status: 429, code: 'HTTP_TOO_MANY_FAILED_AUTHENTICATIONS' });
    const other = await app.inject({
      method: 'GET',
      url: '/v1/widgets/w1',
      headers: { 'x-api-key': keys[0] },
      remoteAddress: '10.0.0.9',
    });
    expect(other.statusCode).toBe(200);
  });
});
