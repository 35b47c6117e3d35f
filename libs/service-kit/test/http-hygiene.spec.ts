import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpApp, httpDefaults, type HttpApp, type HttpAppOptions } from '../src/index.ts';
import { captureLogs } from './support/capture-logs.ts';

const KEY = 'operator-key-0123456789abcdef';
const auth = { authorization: `Bearer ${KEY}` };
const problemType = 'application/problem+json; charset=utf-8';

let current: HttpApp | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

function build(options: Partial<HttpAppOptions> = {}): HttpApp {
  const { app } = createHttpApp({ name: 'widgets', version: '1', logger: captureLogs({ level: 'silent' }).logger, readiness: async () => ({ ready: true, checks: {} }), apiKeys: [KEY], http: httpDefaults, ...options });
  current = app;
  app.get('/v1/widgets', async () => ({ items: [] }));
  app.get('/v1/cached', async (_request, reply) => reply.header('cache-control', 'max-age=30').send({ ok: true }));
  app.get('/v1/whoami', async (request) => ({ ip: request.ip }));
  return app;
}

describe('HTTP hygiene: headers, caching, CORS', () => {
  it('when any answer is sent, then it carries nosniff and the helmet headers, and no-store unless the route chose', async () => {
    const app = build();
    for (const [url, headers] of [['/v1/widgets', auth], ['/v1/widgets', {}], ['/livez', {}], ['/nowhere', {}]] as const) {
      const answer = await app.inject({ method: 'GET', url, headers });
      expect(answer.headers['x-content-type-options'], url).toBe('nosniff');
      expect(answer.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(answer.headers['cache-control'], url).toBe('no-store');
    }
    expect((await app.inject({ method: 'GET', url: '/v1/cached', headers: auth })).headers['cache-control']).toBe('max-age=30');
  });

  it('when another origin sends a CORS preflight or a request, then no Access-Control-Allow-* is granted and the preflight is refused', async () => {
    const app = build();
    const preflight = await app.inject({ method: 'OPTIONS', url: '/v1/widgets', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(preflight.statusCode).toBe(403);
    expect(preflight.headers['content-type']).toBe(problemType);
    const simple = await app.inject({ method: 'GET', url: '/v1/widgets', headers: { ...auth, origin: 'https://evil.example' } });
    expect(simple.statusCode).toBe(200);
    for (const answer of [preflight, simple]) expect(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });
});

describe('operator API: failed-key throttle and rate limit', () => {
  it('when an address has sent many wrong keys, then its wrong keys get 429 but a valid key from it is still served', async () => {
    const app = build({ http: { ...httpDefaults, rateLimitPerMinute: 0 } });
    const wrong = () => app.inject({ method: 'GET', url: '/v1/widgets', headers: { authorization: 'Bearer wrong-key-0123456789' }, remoteAddress: '10.1.1.1' });
    for (let i = 0; i < 20; i += 1) expect((await wrong()).statusCode).toBe(401);
    const throttled = await wrong();
    expect(throttled.statusCode).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(throttled.json()).toMatchObject({ code: 'HTTP_TOO_MANY_FAILED_AUTHENTICATIONS' });
    const valid = await app.inject({ method: 'GET', url: '/v1/widgets', headers: auth, remoteAddress: '10.1.1.1' });
    expect(valid.statusCode).toBe(200);
  });

  it('when one address exceeds the configured requests per minute, then 429 problem+json with Retry-After; other addresses and probes are served', async () => {
    const app = build({ http: { ...httpDefaults, rateLimitPerMinute: 5 } });
    const call = (remoteAddress: string) => app.inject({ method: 'GET', url: '/v1/widgets', headers: auth, remoteAddress });
    for (let i = 0; i < 5; i += 1) expect((await call('10.2.2.2')).statusCode).toBe(200);
    const limited = await call('10.2.2.2');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toBe(problemType);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ status: 429, code: 'HTTP_RATE_LIMITED' });
    expect((await call('10.3.3.3')).statusCode).toBe(200);
    for (let i = 0; i < 10; i += 1) expect((await app.inject({ method: 'GET', url: '/livez', remoteAddress: '10.2.2.2' })).statusCode).toBe(200);
  });
});

describe('proxy trust', () => {
  const spoofed = { ...auth, 'x-forwarded-for': '198.51.100.7, 203.0.113.9' };

  it('when no proxy is trusted, then X-Forwarded-For is ignored', async () => {
    const app = build();
    expect((await app.inject({ method: 'GET', url: '/v1/whoami', headers: spoofed, remoteAddress: '10.0.0.5' })).json()).toEqual({ ip: '10.0.0.5' });
  });

  it('when one hop is trusted, then the client address is the one the ingress appended, not what the client wrote before it', async () => {
    const app = build({ http: { trustProxy: 1 } });
    expect((await app.inject({ method: 'GET', url: '/v1/whoami', headers: spoofed, remoteAddress: '10.0.0.5' })).json()).toEqual({ ip: '203.0.113.9' });
  });

  it('when the trusted proxies are an address range, then only hops inside it are skipped', async () => {
    const app = build({ http: { trustProxy: ['10.0.0.0/8'] } });
    expect((await app.inject({ method: 'GET', url: '/v1/whoami', headers: { ...auth, 'x-forwarded-for': '198.51.100.7, 10.9.9.9' }, remoteAddress: '10.0.0.5' })).json()).toEqual({ ip: '198.51.100.7' });
    // A peer outside the range is the client, whatever it forwards.
    expect((await app.inject({ method: 'GET', url: '/v1/whoami', headers: spoofed, remoteAddress: '192.0.2.1' })).json()).toEqual({ ip: '192.0.2.1' });
  });

  it('when a client behind a one-hop ingress spoofs a new X-Forwarded-For each time, then its wrong keys are still throttled as one address', async () => {
    const app = build({ http: { trustProxy: 1, rateLimitPerMinute: 0 } });
    const statuses: number[] = [];
    for (let i = 0; i < 22; i += 1) {
      const answer = await app.inject({ method: 'GET', url: '/v1/widgets', headers: { authorization: 'Bearer wrong-key-0123456789', 'x-forwarded-for': `198.51.100.${i}, 203.0.113.9` }, remoteAddress: '10.0.0.5' });
      statuses.push(answer.statusCode);
    }
    expect(statuses.slice(-2)).toEqual([429, 429]);
  });
});

describe('load shedding', () => {
  it('when the event loop is held past the threshold, then requests get 503 + Retry-After problem+json, readiness fails, liveness answers', async () => {
    const app = build({ http: { overload: { maxEventLoopDelayMs: 20, maxEventLoopUtilization: 0 } } });
    await app.ready();
    expect((await app.inject({ method: 'GET', url: '/v1/widgets', headers: auth })).statusCode).toBe(200);
    // Hold the event loop in several long turns, so that the sampled mean delay is far above 20 ms.
    await vi.waitFor(
      async () => {
        const until = Date.now() + 150;
        while (Date.now() < until) {
          /* busy: the overload the service must detect */
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
        const shed = await app.inject({ method: 'GET', url: '/v1/widgets', headers: auth });
        expect(shed.statusCode).toBe(503);
      },
      { timeout: 10_000, interval: 1 },
    );
    const shed = await app.inject({ method: 'GET', url: '/v1/widgets', headers: auth });
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['content-type']).toBe(problemType);
    expect(Number(shed.headers['retry-after'])).toBeGreaterThan(0);
    expect(shed.json()).toMatchObject({ status: 503, code: 'HTTP_OVERLOADED' });
    const readiness = await app.inject({ method: 'GET', url: '/readyz' });
    expect(readiness.statusCode).toBe(503);
    expect(readiness.json().checks.load).toMatchObject({ ok: false });
    expect((await app.inject({ method: 'GET', url: '/livez' })).statusCode).toBe(200);
  });
});

describe('HTTP settings left out', () => {
  it('when a config built by hand gives no rate limit, then none applies (the environment defaults it to httpDefaults)', async () => {
    const app = build({ http: { trustProxy: false } });
    for (let i = 0; i < 30; i += 1) expect((await app.inject({ method: 'GET', url: '/v1/widgets', headers: auth })).statusCode).toBe(200);
    expect(httpDefaults.rateLimitPerMinute).toBeGreaterThan(0);
  });
});
