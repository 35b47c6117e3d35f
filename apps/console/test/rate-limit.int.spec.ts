import { afterAll, expect, it } from 'vitest';
import { buildConsoleServer, consoleDefaults } from '../src/index.ts';
import { Client, recordingUpstream, startConsole, testClock } from './harness.ts';

const upstream = await recordingUpstream();
const console_ = await startConsole(upstream.url, testClock(), { loginFailuresPerMinute: 3 });
afterAll(async () => {
  await console_.stop();
  await upstream.close();
});

it('when one address fails to log in too often, then it gets 429 with Retry-After, whatever the account', async () => {
  const client = new Client(console_.url);
  for (const name of ['a', 'b', 'c']) expect((await client.login(name, 'wrong')).status).toBe(401);
  const limited = await client.login('admin', console_.adminPassword);
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
});

it('when the console starts again on a database with accounts, then no admin is created', async () => {
  const again = await buildConsoleServer(
    { ...consoleDefaults, http: { host: '127.0.0.1', port: 0 }, logLevel: 'silent', database: { url: console_.database.url, poolMax: 1 }, services: { catalog: upstream.url, subscriptions: upstream.url, billing: upstream.url }, serviceApiKey: 'k'.repeat(24), webDir: undefined },
  );
  expect(again.firstAdminPassword).toBeUndefined();
});
