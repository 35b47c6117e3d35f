import { PassThrough } from 'node:stream';
import { createLogger } from '@sva/service-kit';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayConfig } from '../src/config.ts';
import { redactCallbackUrl } from '../src/http/redact.ts';
import { cpf, entitlementRecord, integrationId, secret, subscriberId } from './fixtures.ts';
import { startTestGateway, type TestGateway } from './gateway.ts';

const base = `/v1/callback/${integrationId}/${secret}`;
const minute = 60_000;

describe('identify is a password oracle: rate limits, backoff and lockout (R14)', () => {
  let gateway: TestGateway;
  let now = Date.parse('2026-11-28T00:00:00Z');
  afterEach(async () => {
    await gateway?.stop();
  });

  const start = async (config: Partial<GatewayConfig>) => {
    now = Date.parse('2026-11-28T00:00:00Z');
    gateway = await startTestGateway({
      now: () => now,
      config: { identifyMaxLockoutSeconds: 3_600, ...config },
      entitlements: Array.from({ length: 20 }, (_, n) => entitlementRecord({ n })),
    });
    return gateway;
  };

  const identify = (login: string, password: string, remoteAddress: string, endUserAddress?: string) =>
    gateway.app.inject({
      method: 'POST',
      url: `${base}/identify`,
      payload: { login, password },
      remoteAddress,
      ...(endUserAddress === undefined ? {} : { headers: { 'x-end-user-ip': endUserAddress } }),
    });

  it('R14 (a): when NEO\'s one server carries 100 users\' typos in a minute, then its address locks nobody out', async () => {
    await start({});
    for (let login = 0; login < 100; login++) expect((await identify(cpf(1_000 + login), 'typo', '203.0.113.10')).json()).toMatchObject({ identified: false });
    expect((await identify(cpf(3), cpf(3), '203.0.113.10')).json()).toMatchObject({ identified: true, subscriber_id: subscriberId(3) });
  });

  it('R14 (b): when failures exceed the integration\'s budget, then identify answers 429 with Retry-After until it refills', async () => {
    await start({ identifyFailureBudget: 60, identifyFailureBurst: 5 });
    for (let login = 0; login < 5; login++) expect((await identify(cpf(1_000 + login), 'x', '203.0.113.10')).statusCode).toBe(200);
    const refused = await identify(cpf(3), cpf(3), '203.0.113.10');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().code).toBe('GATEWAY_TOO_MANY_ATTEMPTS');
    expect(refused.headers['retry-after']).toBe('1');
    now += 1_000;
    expect((await identify(cpf(3), cpf(3), '203.0.113.10')).json()).toMatchObject({ identified: true });
  });

  it('R14: when one login is tried from many addresses, then the login is locked out for everyone, with lockouts growing each round', async () => {
    await start({ identifyFailuresPerLogin: 5 });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 30; attempt++) statuses.push((await identify(cpf(7), `guess-${attempt}`, `198.51.100.${attempt}`)).statusCode);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    // While locked, even the right password is refused (the lock protects the account, not the guess).
    const locked = await identify(cpf(7), cpf(7), '192.0.2.1');
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBe(15 * 60);
    // Another login is not affected.
    expect((await identify(cpf(8), cpf(8), '192.0.2.1')).statusCode).toBe(200);

    // After the lockout, another round of failures locks it out twice as long (backoff).
    now += 15 * minute;
    for (let attempt = 0; attempt < 5; attempt++) await identify(cpf(7), `again-${attempt}`, '192.0.2.2');
    expect(Number((await identify(cpf(7), cpf(7), '192.0.2.3')).headers['retry-after'])).toBe(30 * 60);

    // Once it passes, the owner gets in, and that clears the login's record.
    now += 30 * minute;
    expect((await identify(cpf(7), cpf(7), '192.0.2.3')).json()).toMatchObject({ identified: true, subscriber_id: subscriberId(7) });
    for (let attempt = 0; attempt < 4; attempt++) expect((await identify(cpf(7), `x-${attempt}`, '192.0.2.4')).statusCode).toBe(200);
  });

  it('R14 (c): when NEO passes X-End-User-IP from a trusted range, then that address is locked out after its quota with growing lockouts; the same header from anywhere else, or not an address, is ignored', async () => {
    await start({ endUserAddressTrusted: ['203.0.113.0/24'], identifyFailuresPerEndUserAddress: 3 });
    const neo = '203.0.113.10';
    for (let i = 0; i < 3; i++) await identify(cpf(100 + i), 'x', neo, '198.51.100.7');
    const first = await identify(cpf(1), cpf(1), neo, '198.51.100.7');
    expect(first.statusCode).toBe(429);
    expect(first.headers['retry-after']).toBe('60');
    // Another end user behind the same NEO server is not affected.
    expect((await identify(cpf(1), cpf(1), neo, '198.51.100.8')).json()).toMatchObject({ identified: true });
    // Spoofed from an untrusted peer: the header is ignored, the locked address means nothing there…
    expect((await identify(cpf(2), cpf(2), '192.0.2.50', '198.51.100.7')).json()).toMatchObject({ identified: true });
    // …and failures under a spoofed header lock no address out.
    for (let i = 0; i < 5; i++) await identify(cpf(300 + i), 'x', '192.0.2.50', '198.51.100.9');
    expect((await identify(cpf(4), cpf(4), neo, '198.51.100.9')).json()).toMatchObject({ identified: true });
    // A header that is not an address is ignored.
    for (let i = 0; i < 5; i++) await identify(cpf(400 + i), 'x', neo, 'not-an-ip');
    expect((await identify(cpf(5), cpf(5), neo, 'not-an-ip')).json()).toMatchObject({ identified: true });

    now += minute;
    expect((await identify(cpf(1), cpf(1), neo, '198.51.100.7')).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) await identify(cpf(200 + i), 'x', neo, '198.51.100.7');
    expect((await identify(cpf(1), cpf(1), neo, '198.51.100.7')).headers['retry-after']).toBe('120');
  });

  it('R14 (c): when no trusted range is configured, then X-End-User-IP is ignored', async () => {
    await start({ identifyFailuresPerEndUserAddress: 1 });
    await identify(cpf(100), 'x', '203.0.113.10', '198.51.100.7');
    expect((await identify(cpf(1), cpf(1), '203.0.113.10', '198.51.100.7')).json()).toMatchObject({ identified: true });
  });

  it('R3: when calls fail or succeed, then no log line holds the callback secret', async () => {
    const logged = new PassThrough();
    let output = '';
    logged.on('data', (chunk: Buffer) => (output += chunk.toString()));
    gateway = await startTestGateway({
      logger: createLogger({ name: 'neo-gateway', level: 'trace', destination: logged, redactUrl: redactCallbackUrl }),
      config: { identifyFailureBurst: 2, logCallbackRequests: true },
      entitlements: [entitlementRecord({ n: 1 })],
    });
    const requests = [
      { method: 'POST' as const, url: `${base}/identify`, payload: { login: cpf(1), password: cpf(1) } },
      { method: 'POST' as const, url: `${base}/identify`, payload: { login: cpf(1), password: 'wrong' } },
      { method: 'POST' as const, url: `${base}/identify`, payload: { login: cpf(2), password: 'wrong' } },
      { method: 'POST' as const, url: `${base}/identify`, payload: { login: cpf(2), password: 'wrong' } },
      { method: 'POST' as const, url: `${base}/identify`, headers: { 'content-type': 'application/json' }, payload: '{' },
      { method: 'GET' as const, url: `${base}/authorise?subscriber_id=${subscriberId(1)}&product=mumo` },
      { method: 'GET' as const, url: `${base}/authorise?subscriber_id=${subscriberId(1)}&product=BAD` },
      { method: 'GET' as const, url: `${base}/nowhere` },
      { method: 'DELETE' as const, url: `${base}/identify` },
    ];
    for (const request of requests) await gateway.app.inject(request);
    await new Promise((resolve) => setImmediate(resolve));
    expect(output.length).toBeGreaterThan(0);
    expect(output).toContain('[redacted]');
    expect(output).not.toContain(secret);
  });
});
