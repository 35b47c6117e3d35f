import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHttpApp, type HttpApp, sqlStateOf, unstorableTextIssues } from '../src/index.ts';
import { captureLogs } from './support/capture-logs.ts';

/** Issue 11 §1: no input gives a 500; errors raised before routing are problem+json like the rest. */

let current: HttpApp | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

const problemType = 'application/problem+json; charset=utf-8';

/** Prisma's shape of a PostgreSQL data exception (as seen from the catalog: 22021 on a NUL). */
const prismaDataException = (code: string) =>
  Object.assign(new Error('Invalid `prisma.integration.findMany()` invocation'), {
    name: 'PrismaClientKnownRequestError',
    code: 'P2039',
    meta: { modelName: 'Integration', driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode: code, kind: 'postgres', message: 'invalid byte sequence' } } },
  });

function build() {
  const logs = captureLogs();
  const { app } = createHttpApp({ name: 'widgets', version: '1.0.0', logger: logs.logger, readiness: async () => ({ ready: true, checks: {} }) });
  current = app;
  let stored: unknown;
  app.post('/v1/widgets', { schema: { body: z.object({ name: z.string(), tags: z.array(z.string()).default([]) }) } }, async (request) => {
    stored = request.body;
    return { ok: true };
  });
  app.get('/v1/widgets', { schema: { querystring: z.object({ q: z.string().optional() }) } }, async (request) => ({ q: request.query.q ?? null }));
  app.get('/v1/widgets/:code', { schema: { params: z.object({ code: z.string() }) } }, async (request) => ({ code: request.params.code }));
  app.get('/v1/db-refuses/:sqlState', async (request) => {
    throw prismaDataException((request.params as { sqlState: string }).sqlState);
  });
  return { app, logs, stored: () => stored };
}

describe('text that cannot be stored (NUL, lone surrogates): a field-level 400 in every route, never a database error', () => {
  it.each([
    ['a NUL in a body field', { name: 'a\u0000b' }, 'body.name'],
    ['a NUL in an array item', { name: 'ok', tags: ['x', 'y\u0000'] }, 'body.tags.1'],
    ['a lone high surrogate', { name: 'INV-\ud800' }, 'body.name'],
    ['a lone low surrogate', { name: '\udc00-INV' }, 'body.name'],
  ])('when the body holds %s, then 400 names the field and the handler never runs', async (_label, payload, path) => {
    const { app, stored } = build();
    // JSON.stringify writes lone surrogates as \ud800 escapes: exactly what a client sends.
    const response = await app.inject({ method: 'POST', url: '/v1/widgets', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe(problemType);
    expect(response.json()).toMatchObject({ code: 'HTTP_VALIDATION_FAILED', errors: [{ path, message: expect.stringContaining('NUL') }] });
    expect(stored()).toBeUndefined();
  });

  it('when a query parameter holds %00, then 400 names querystring.q', async () => {
    const { app } = build();
    const response = await app.inject({ method: 'GET', url: '/v1/widgets?q=a%00b' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([{ path: 'querystring.q', message: expect.any(String) }]);
  });

  it('when a path parameter holds %00, then 400 names params.code', async () => {
    const { app } = build();
    const response = await app.inject({ method: 'GET', url: '/v1/widgets/ab%00' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([{ path: 'params.code', message: expect.any(String) }]);
  });

  it('when the text is ordinary (accents, emoji: paired surrogates), then it passes', async () => {
    const { app, stored } = build();
    const response = await app.inject({ method: 'POST', url: '/v1/widgets', payload: { name: 'João 🎵', tags: ['çã'] } });
    expect(response.statusCode).toBe(200);
    expect(stored()).toEqual({ name: 'João 🎵', tags: ['çã'] });
    expect(unstorableTextIssues('body', { 'k\u0000': 'v' })).toEqual([{ path: 'body.k\\u0000', message: expect.any(String) }]);
  });
});

describe('a database data exception (SQLSTATE class 22) reaching the error handler', () => {
  it.each(['22021', '22008', '22003', '22P02'])('when PostgreSQL refuses a value with %s, then 400 problem+json, not 500, and it is logged', async (sqlState) => {
    const { app, logs } = build();
    const response = await app.inject({ method: 'GET', url: `/v1/db-refuses/${sqlState}` });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe(problemType);
    expect(response.json()).toMatchObject({ code: 'HTTP_INVALID_VALUE' });
    expect(logs.text()).toContain('database refused a value');
  });

  it('when the database fails otherwise (a unique violation, 23505), then it is not mistaken for bad input', async () => {
    const { app } = build();
    expect((await app.inject({ method: 'GET', url: '/v1/db-refuses/23505' })).statusCode).toBe(500);
    expect(sqlStateOf(Object.assign(new Error('pg'), { code: '22P02' }))).toBe('22P02');
    expect(sqlStateOf(Object.assign(new Error('prisma'), { code: 'P2002' }))).toBeUndefined();
  });
});

/** Send raw bytes to a listening app; resolve with what came back. */
async function raw(app: HttpApp, request: string | Buffer): Promise<{ status: number; contentType: string | undefined; body: string }> {
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = new URL(address);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const [head = '', ...rest] = received.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      const contentType = /\r\ncontent-type: ([^\r]+)/i.exec(head)?.[1];
      if (!status) reject(new Error(`no HTTP answer: ${JSON.stringify(received)}`));
      resolve({ status, contentType, body: rest.join('\r\n\r\n') });
    });
    socket.write(request);
    setTimeout(() => socket.end(), 300);
  });
}

describe('errors raised before routing answer problem+json', () => {
  it('when the method is unknown to HTTP, then 400 problem+json', async () => {
    const { app } = build();
    const answer = await raw(app, 'FROB /v1/widgets HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(answer.contentType).toBe(problemType);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 400, code: 'HTTP_MALFORMED_REQUEST' });
  });

  it('when the URL holds raw non-ASCII bytes, then a 4xx problem+json', async () => {
    const { app } = build();
    const answer = await raw(app, Buffer.concat([Buffer.from('GET /v1/widgets/'), Buffer.from([0xc3, 0xa9, 0xff]), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]));
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.contentType).toBe(problemType);
  });

  it('when the URL is longer than the header limit, then 431 problem+json', async () => {
    const { app } = build();
    const answer = await raw(app, `GET /v1/widgets?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(answer.status).toBe(431);
    expect(answer.contentType).toBe(problemType);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 431, code: 'HTTP_HEADERS_TOO_LARGE' });
  });

  it('when Expect is not 100-continue, then 417 problem+json', async () => {
    const { app } = build();
    const answer = await raw(app, 'POST /v1/widgets HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
    expect(answer.status).toBe(417);
    expect(answer.contentType).toBe(problemType);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 417, code: 'HTTP_EXPECTATION_FAILED' });
  });
});
