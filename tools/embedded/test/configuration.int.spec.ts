import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../src/demo.ts';
import { getJson, startSystemUnderTest, type SystemUnderTest } from './support/system-under-test.ts';

/** Issue 15 §1: under the embedded system each service reads its own variables, as when it runs alone. */
describe('embedded configuration', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('honours the gateway TTLs set in the environment', async () => {
    const sut: SystemUnderTest = await startSystemUnderTest('configuration test', {
      env: { ...process.env, GATEWAY_ALLOW_TTL_SECONDS: '61', GATEWAY_DENY_TTL_SECONDS: '7' },
    });
    cleanups.push(() => sut.stop());
    const demo = await seedDemo(sut.system.urls, sut.apiKey, sut.platform());
    expect(await getJson(`${demo.callbackUrl}/authorise?subscriber_id=${demo.subscriberId}&product=mumo`)).toMatchObject({ allowed: true, ttl_seconds: 61 });
    expect(await getJson(`${demo.callbackUrl}/authorise?subscriber_id=${demo.subscriberId}&product=kiddle`)).toMatchObject({ allowed: false, ttl_seconds: 7 });
  });

  it('names the variable of a port that is taken', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => taken.close(resolve)));
    const port = (taken.address() as { port: number }).port;
    await expect(startSystemUnderTest('taken port test', { ports: { catalog: 0, subscriptions: 0, billing: 0, gateway: port } })).rejects.toThrow(/GATEWAY_PORT/);
  });
});
