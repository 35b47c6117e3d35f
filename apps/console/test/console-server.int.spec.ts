import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleDefaults } from '../src/index.ts';
import { loadOperations } from '../src/server/operations.ts';
import { Client, recordingUpstream, SERVICE_KEY, startConsole, testClock, type ConsoleUnderTest } from './harness.ts';

const upstream = await recordingUpstream();
const clock = testClock();
let console_: ConsoleUnderTest;
let admin: Client;

beforeAll(async () => {
  console_ = await startConsole(upstream.url, clock);
  admin = new Client(console_.url);
  expect((await admin.login('admin', console_.adminPassword)).status).toBe(200);
  for (const [username, role] of [['sonia', 'support'], ['otavio', 'operator'], ['lucas', 'operator']] as const) {
    const created = await admin.call('POST', '/api/operators', { username, displayName: username, role, password: `${username}-password-123` });
    expect(created.status).toBe(201);
  }
});
afterAll(async () => {
  await console_?.stop();
  await upstream.close();
});

const loggedIn = async (username: string) => {
  const client = new Client(console_.url);
  expect((await client.login(username, `${username}-password-123`)).status).toBe(200);
  return client;
};

/** A concrete URL for a documented path template. */
const concrete = (template: string) => template.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000001');

describe('first start', () => {
  it('when the database has no account, then admin is created with a generated password that logs in', async () => {
    expect(console_.adminPassword).toMatch(/^[\w-]{20}$/);
    const me = await admin.call('GET', '/api/session');
    expect(await me.json()).toMatchObject({ operator: { username: 'admin', role: 'admin' } });
  });
});

describe('roles, enforced by the server', () => {
  it('when support calls any documented change, then every one is refused with 403 and nothing reaches a service', async () => {
    const support = await loggedIn('sonia');
    const changes = loadOperations().all.filter((op) => op.method !== 'GET');
    expect(changes.length).toBeGreaterThan(20);
    const before = upstream.received.length;
    for (const op of changes) {
      const answer = await support.call(op.method, `/api/${op.service}${concrete(op.path)}`, op.method === 'DELETE' ? undefined : {});
      expect({ op: op.operationId, status: answer.status, code: ((await answer.json()) as { code: string }).code }).toEqual({
        op: op.operationId,
        status: 403,
        code: 'CONSOLE_ROLE_FORBIDDEN',
      });
    }
    expect(upstream.received.length).toBe(before);
  });

  it('when support reads, then the call is forwarded with the service key and the operator as X-Actor, and the key never comes back', async () => {
    const support = await loggedIn('sonia');
    const answer = await support.call('GET', '/api/subscriptions/v1/customers?q=maria');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-internal')).toBeNull();
    const received = upstream.received.at(-1)!;
    expect(received).toMatchObject({ method: 'GET', url: '/v1/customers?q=maria' });
    expect(received.headers.authorization).toBe(`Bearer ${SERVICE_KEY}`);
    expect(received.headers['x-actor']).toBe('sonia');
    expect(received.headers.cookie).toBeUndefined();
    expect(received.headers['x-csrf-token']).toBeUndefined();
  });

  it('when an operator adds a customer, then it is forwarded; when it creates an integration, then 403', async () => {
    const operator = await loggedIn('otavio');
    const created = await operator.call('POST', '/api/subscriptions/v1/customers', { name: 'Maria' });
    expect(created.status).toBe(200);
    expect(upstream.received.at(-1)).toMatchObject({ method: 'POST', url: '/v1/customers', body: '{"name":"Maria"}' });
    expect(upstream.received.at(-1)!.headers['x-actor']).toBe('otavio');
    const refused = await operator.call('POST', '/api/catalog/v1/integrations', {});
    expect(refused.status).toBe(403);
    expect((await operator.call('GET', '/api/operators')).status).toBe(403);
  });

  it('when a call matches no documented operation, then it is not forwarded', async () => {
    const before = upstream.received.length;
    expect((await admin.call('GET', '/api/subscriptions/internal/anything')).status).toBe(404);
    expect((await admin.call('GET', '/api/nowhere/v1/customers')).status).toBe(404);
    expect((await admin.call('GET', '/api/catalog/openapi.json')).status).toBe(404);
    expect(upstream.received.length).toBe(before);
  });
});

describe('sessions', () => {
  it('when logging in, then the cookie is httpOnly and SameSite=Strict, and not Secure over plain HTTP', async () => {
    const answer = await new Client(console_.url).login('otavio', 'otavio-password-123');
    const cookie = answer.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^sva_console=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toMatch(/Secure/i);
  });

  it('when not logged in, then forwarded calls are refused with 401', async () => {
    const answer = await new Client(console_.url).call('GET', '/api/subscriptions/v1/customers');
    expect(answer.status).toBe(401);
    expect(((await answer.json()) as { code: string }).code).toBe('CONSOLE_SESSION_REQUIRED');
  });

  it('when logged out, then the session no longer works', async () => {
    const operator = await loggedIn('otavio');
    expect((await operator.call('DELETE', '/api/session')).status).toBe(204);
    expect((await operator.call('GET', '/api/session')).status).toBe(401);
  });

  it('when idle past the idle timeout, then the session has ended; in use, it ends at the absolute timeout', async () => {
    const idle = await loggedIn('otavio');
    clock.advance(consoleDefaults.idleTimeoutMs + 1);
    expect((await idle.call('GET', '/api/session')).status).toBe(401);

    const busy = await loggedIn('otavio');
    for (let elapsed = 0; elapsed < consoleDefaults.absoluteTimeoutMs - consoleDefaults.idleTimeoutMs; elapsed += consoleDefaults.idleTimeoutMs / 2) {
      clock.advance(consoleDefaults.idleTimeoutMs / 2);
      expect((await busy.call('GET', '/api/session')).status).toBe(200);
    }
    clock.advance(consoleDefaults.idleTimeoutMs);
    expect((await busy.call('GET', '/api/session')).status).toBe(401);
  });
});

describe('CSRF', () => {
  it('when a change comes without the CSRF token, then it is refused and not forwarded', async () => {
    const operator = await loggedIn('otavio');
    const before = upstream.received.length;
    const withoutToken = await fetch(`${console_.url}/api/subscriptions/v1/customers`, {
      method: 'POST',
      headers: { cookie: operator.cookie, 'content-type': 'application/json' },
      body: '{"name":"Forged"}',
    });
    expect(withoutToken.status).toBe(403);
    expect(((await withoutToken.json()) as { code: string }).code).toBe('CONSOLE_CSRF_REFUSED');
    const wrongToken = await operator.call('POST', '/api/subscriptions/v1/customers', { name: 'Forged' }, { 'x-csrf-token': 'x'.repeat(43) });
    expect(wrongToken.status).toBe(403);
    expect(upstream.received.length).toBe(before);
  });

  it('when a call comes from another origin, then it is refused even with the token', async () => {
    const operator = await loggedIn('otavio');
    const answer = await operator.call('POST', '/api/subscriptions/v1/customers', { name: 'Forged' }, { origin: 'https://evil.example' });
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { code: string }).code).toBe('CONSOLE_CROSS_ORIGIN_REFUSED');
    const login = await new Client(console_.url).call('POST', '/api/session', { username: 'otavio', password: 'otavio-password-123' }, { origin: 'https://evil.example' });
    expect(login.status).toBe(403);
  });
});

describe('login lockout and rate limit', () => {
  it('when a password is wrong five times in a row, then the account is locked, even for the right password, until the lockout ends', async () => {
    const client = new Client(console_.url);
    for (let attempt = 1; attempt < consoleDefaults.lockoutThreshold; attempt++) {
      expect((await client.login('lucas', 'wrong-password')).status).toBe(401);
    }
    const locked = await client.login('lucas', 'wrong-password');
    expect(locked.status).toBe(423);
    expect(((await locked.json()) as { code: string }).code).toBe('CONSOLE_ACCOUNT_LOCKED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await client.login('lucas', 'lucas-password-123')).status).toBe(423);
    clock.advance(consoleDefaults.lockoutMs + 1);
    expect((await client.login('lucas', 'lucas-password-123')).status).toBe(200);
  });

  it('when an unknown user name is tried, then the answer is the same as for a wrong password', async () => {
    const answer = await new Client(console_.url).login('nobody', 'whatever');
    expect(answer.status).toBe(401);
    expect(((await answer.json()) as { code: string }).code).toBe('CONSOLE_LOGIN_FAILED');
  });
});

describe('demo clock (embedded --demo-clock only)', () => {
  it('when no demo clock is configured, then nothing is forwarded to it and the session says so', async () => {
    const fresh = new Client(console_.url);
    expect((await fresh.login('admin', console_.adminPassword)).status).toBe(200);
    const before = upstream.received.length;
    const answer = await fresh.call('GET', '/api/demo-clock/v1/demo-clock');
    expect({ status: answer.status, code: ((await answer.json()) as { code: string }).code }).toEqual({ status: 404, code: 'CONSOLE_UNKNOWN_SERVICE' });
    expect(await (await fresh.call('GET', '/api/session')).json()).toMatchObject({ demoClock: false });
    expect(upstream.received.length).toBe(before);
  });

  it('when a demo clock is configured, then an admin reads and advances it through the console, and an operator or support is refused', async () => {
    const clockUpstream = await recordingUpstream();
    const withClock = await startConsole(upstream.url, clock, { demoClockUrl: clockUpstream.url });
    try {
      const clockAdmin = new Client(withClock.url);
      const login = await clockAdmin.login('admin', withClock.adminPassword);
      expect(await login.json()).toMatchObject({ demoClock: true });
      expect((await clockAdmin.call('GET', '/api/demo-clock/v1/demo-clock')).status).toBe(200);
      expect(clockUpstream.received.at(-1)).toMatchObject({ method: 'GET', url: '/v1/demo-clock' });
      expect((await clockAdmin.call('POST', '/api/demo-clock/v1/demo-clock/advance', { days: 8 })).status).toBe(200);
      expect(clockUpstream.received.at(-1)).toMatchObject({ method: 'POST', url: '/v1/demo-clock/advance', body: '{"days":8}' });
      expect(clockUpstream.received.at(-1)!.headers.authorization).toBe(`Bearer ${SERVICE_KEY}`);
      expect((await clockAdmin.call('GET', '/api/demo-clock/v1/other')).status).toBe(404);

      for (const [username, role] of [['olga', 'operator'], ['sara', 'support']] as const) {
        expect((await clockAdmin.call('POST', '/api/operators', { username, displayName: username, role, password: `${username}-password-123` })).status).toBe(201);
        const other = new Client(withClock.url);
        expect(await (await other.login(username, `${username}-password-123`)).json()).toMatchObject({ demoClock: false });
        const before = clockUpstream.received.length;
        const refused = await other.call('POST', '/api/demo-clock/v1/demo-clock/advance', { days: 1 });
        expect({ status: refused.status, code: ((await refused.json()) as { code: string }).code }).toEqual({ status: 403, code: 'CONSOLE_ROLE_FORBIDDEN' });
        expect((await other.call('GET', '/api/demo-clock/v1/demo-clock')).status).toBe(403);
        expect(clockUpstream.received.length).toBe(before);
      }
    } finally {
      await withClock.stop();
      await clockUpstream.close();
    }
  });
});
