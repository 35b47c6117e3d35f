import { PassThrough } from 'node:stream';
import { createLogger } from '@sva/service-kit';
import { afterEach, describe, expect, it } from 'vitest';
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

  const start = async (limits: { perAddress: number; perLogin: number }) => {
    now = Date.parse('2026-11-28T00:00:00Z');
    gateway = await startTestGateway({
      now: () => now,
      config: { identifyFailuresPerAddress: limits.perAddress, identifyFailuresPerLogin: limits.perLogin, identifyMaxLockoutSeconds: 3_600 },
      entitlements: Array.from({ length: 20 }, (_, n) => entitlementRecord({ n })),
    });
    return gateway;
  };

  const identify = (login: string, password: string, remoteAddress: string) =>
    gateway.app.inject({ method: 'POST', url: `${base}/identify`, payload: { login, password }, remoteAddress });

  it('R14: when few addresses try many logins × passwords (credential stuffing), then each address is locked out after its quota and learns nothing more', async () => {
    await start({ perAddress: 10, perLogin: 1_000 });
    const addresses = ['203.0.113.1', '203.0.113.2', '203.0.113.3'];
    const answers = new Map<string, number[]>();
    let identified = 0;
    for (const address of addresses) {
      const statuses: number[] = [];
      for (let login = 0; login < 40; login++) {
        for (const password of ['123456', 'senha123', cpf(login + 1)]) {
          const response = await identify(cpf(login), password, address);
          statuses.push(response.statusCode);
          if (response.statusCode === 200 && response.json().identified) identified += 1;
          if (response.statusCode === 429) {
            expect(response.headers['content-type']).toContain('application/problem+json');
            expect(response.json().code).toBe('GATEWAY_TOO_MANY_ATTEMPTS');
            expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
          }
        }
      }
      answers.set(address, statuses);
    }
    for (const statuses of answers.values()) {
      // The oracle answered 10 times per address; all the rest was refused.
      expect(statuses.filter((s) => s === 200)).toHaveLength(10);
      expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    }
    expect(identified).toBe(0);
    // A user behind another address is not affected.
    expect((await identify(cpf(3), cpf(3), '198.51.100.7')).json()).toMatchObject({ identified: true, subscriber_id: subscriberId(3) });
  });

  it('R14: when one login is tried from many addresses, then the login is locked out for everyone, with lockouts growing each round', async () => {
    await start({ perAddress: 1_000, perLogin: 5 });
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

  it('R14: when an address is locked out, then its lockout passes with time and a repeat offender waits longer', async () => {
    await start({ perAddress: 3, perLogin: 1_000 });
    for (let i = 0; i < 3; i++) await identify(cpf(100 + i), 'x', '203.0.113.9');
    const first = await identify(cpf(1), cpf(1), '203.0.113.9');
    expect(first.statusCode).toBe(429);
    expect(first.headers['retry-after']).toBe('60');
    now += minute;
    expect((await identify(cpf(1), cpf(1), '203.0.113.9')).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) await identify(cpf(200 + i), 'x', '203.0.113.9');
    expect((await identify(cpf(1), cpf(1), '203.0.113.9')).headers['retry-after']).toBe('120');
  });

  it('R3: when calls fail or succeed, then no log line holds the callback secret', async () => {
    const logged = new PassThrough();
    let output = '';
    logged.on('data', (chunk: Buffer) => (output += chunk.toString()));
    gateway = await startTestGateway({
      logger: createLogger({ name: 'neo-gateway', level: 'trace', destination: logged, redactUrl: redactCallbackUrl }),
      config: { identifyFailuresPerAddress: 2, logCallbackRequests: true },
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
