import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CPF, seedDemo, type DemoData } from '../src/demo.ts';
import { startSystemUnderTest, type SystemUnderTest } from './support/system-under-test.ts';

/**
 * Issue 11 §4 (proxy trust), per service as deployed: each service runs with `<PREFIX>_TRUST_PROXY=1`
 * (one ingress in front, as in `deploy/`). The test's own connection plays the ingress, which
 * appends the address it saw to `X-Forwarded-For`; whatever a client wrote before that entry is a
 * lie the service must not believe.
 */
describe('proxy trust: a spoofed X-Forwarded-For defeats no per-address limit, in any service', () => {
  let sut: SystemUnderTest;
  let demo: DemoData;
  const attacker = '198.51.100.66';
  const colleague = '198.51.100.67';
  const wrongKey = { authorization: 'Bearer not-the-key-0123456789abcdef' };
  /** What the ingress forwards for `client`, after whatever the client itself claimed. */
  const via = (client: string, claimed?: string) => ({ 'x-forwarded-for': claimed ? `${claimed}, ${client}` : client });

  beforeAll(async () => {
    sut = await startSystemUnderTest('proxy trust test', {
      env: {
        ...process.env,
        CATALOG_TRUST_PROXY: '1',
        SUBSCRIPTIONS_TRUST_PROXY: '1',
        BILLING_TRUST_PROXY: '1',
        GATEWAY_TRUST_PROXY: '1',
        // NEO's servers sit in 203.0.113.0/24; only from there is X-End-User-IP believed (R14).
        GATEWAY_END_USER_ADDRESS_TRUSTED: '203.0.113.0/24',
        GATEWAY_IDENTIFY_FAILURES_PER_END_USER_ADDRESS: '3',
        // Only the end-user address limit is under test: the per-login and per-integration ones are set out of reach.
        GATEWAY_IDENTIFY_FAILURES_PER_LOGIN: '1000',
        GATEWAY_IDENTIFY_FAILURE_BUDGET: '1000',
        GATEWAY_IDENTIFY_FAILURE_BURST: '1000',
      },
    });
    demo = await seedDemo(sut.system.urls, sut.apiKey, sut.platform());
  }, 120_000);
  afterAll(async () => {
    await sut?.stop();
  });

  for (const [service, path] of [
    ['catalog', '/v1/plans'],
    ['subscriptions', '/v1/customers?limit=1'],
    ['billing', '/v1/settings'],
  ] as const) {
    it(`${service}: wrong API keys under a new spoofed X-Forwarded-For each time are throttled as one address; a valid key and another address are not refused`, async () => {
      const base = sut.system.urls[service];
      const statuses: number[] = [];
      for (let i = 0; i < 22; i += 1) {
        const answer = await fetch(`${base}${path}`, { headers: { ...wrongKey, ...via(attacker, `192.0.2.${i}`) } });
        await answer.arrayBuffer();
        statuses.push(answer.status);
      }
      expect(statuses.slice(0, 20).every((status) => status === 401)).toBe(true);
      expect(statuses.slice(-2)).toEqual([429, 429]);
      // Someone else's mistakes never refuse a valid key, not even from the throttled address…
      expect((await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${sut.apiKey}`, ...via(attacker) } })).status).toBe(200);
      // …and another client behind the same ingress is judged on its own.
      expect((await fetch(`${base}${path}`, { headers: { ...wrongKey, ...via(colleague) } })).status).toBe(401);
    });
  }

  it('gateway: X-End-User-IP is believed only from NEO’s range as the ingress saw it, so a client claiming to be NEO locks no end user out', async () => {
    const identify = (password: string, headers: Record<string, string>) =>
      fetch(`${demo.callbackUrl}/identify`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ login: DEMO_CPF, password }) });
    const victim = '192.0.2.77';
    // The attacker writes NEO's address first; the ingress appends the attacker's.
    for (let i = 0; i < 5; i += 1) await (await identify(`wrong-${i}`, { ...via(attacker, '203.0.113.10'), 'x-end-user-ip': victim })).arrayBuffer();
    const fromNeo = await identify(DEMO_CPF, { ...via('203.0.113.10'), 'x-end-user-ip': victim });
    expect(await fromNeo.json()).toMatchObject({ identified: true });

    // Control: the same failures really coming from NEO do lock that end user's address out.
    const other = '192.0.2.78';
    for (let i = 0; i < 3; i += 1) await (await identify(`wrong-${i}`, { ...via('203.0.113.10'), 'x-end-user-ip': other })).arrayBuffer();
    expect((await identify(DEMO_CPF, { ...via('203.0.113.10'), 'x-end-user-ip': other })).status).toBe(429);
  });
});
