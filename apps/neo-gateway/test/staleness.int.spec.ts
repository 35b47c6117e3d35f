import { type Bus, connectNatsBus } from '@sva/bus';
import { findNatsServer, type PrivateNats, startPrivateNats } from '@sva/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { entitlementRecord, integrationId, secret, subscriberId, cpf } from './fixtures.ts';
import { publishRecords, startTestGateway, type TestGateway } from './gateway.ts';

const binary = findNatsServer();
const base = `/v1/callback/${integrationId}/${secret}`;

/**
 * The view when the bus goes away (issue 7): a private nats-server (never the shared one) is
 * stopped under two gateways — one keeps serving from its last view, the other denies with
 * `view_stale` past the maximum staleness — and started again.
 */
describe.skipIf(binary === undefined)(`staleness with NATS stopped and restarted (${binary ? 'private nats-server' : 'no nats-server binary on this machine'})`, () => {
  let nats: PrivateNats;
  let bus: Bus;
  let serving: TestGateway;
  let denying: TestGateway;

  beforeAll(async () => {
    nats = await startPrivateNats(binary!);
    bus = await connectNatsBus({ servers: nats.url, prefix: 'stale.', name: 'staleness-test', onError: () => {} });
    const records = { entitlements: [entitlementRecord({ n: 1 }), entitlementRecord({ n: 2 })] };
    serving = await startTestGateway({ bus, ...records, config: { stalePolicy: 'serve', maxStalenessSeconds: 1 } });
    denying = await startTestGateway({ bus, ...records, config: { stalePolicy: 'deny', maxStalenessSeconds: 1 } });
  }, 60_000);

  afterAll(async () => {
    await serving?.stop();
    await denying?.stop();
    await bus?.close();
    await nats?.dispose();
  });

  const authorise = async (gateway: TestGateway, n: number) => (await gateway.app.inject({ url: `${base}/authorise?subscriber_id=${subscriberId(n)}&product=mumo` })).json();
  const readiness = async (gateway: TestGateway) => {
    const response = await gateway.app.inject({ url: '/readyz' });
    return { status: response.statusCode, ...response.json() };
  };

  it('when NATS stops, then both keep answering from their view, report the staleness, and past the maximum the deny policy answers view_stale; when it is back, then both are current again', async () => {
    expect(await authorise(denying, 1)).toEqual({ allowed: true, reason: 'subscribed', ttl_seconds: 60 });
    expect((await readiness(denying)).checks.bus).toEqual({ ok: true, detail: 'connected' });

    await nats.stop();
    await vi.waitFor(() => expect(bus.status()).toBe('reconnecting'), { timeout: 10_000 });
    // Still answering, still ready (taking every replica out of the load balancer would stop all logins).
    expect(await authorise(serving, 1)).toMatchObject({ allowed: true, reason: 'subscribed' });
    const identify = await serving.app.inject({ method: 'POST', url: `${base}/identify`, payload: { login: cpf(2), password: cpf(2) } });
    expect(identify.json()).toMatchObject({ identified: true, subscriber_id: subscriberId(2) });

    await vi.waitFor(async () => expect(await authorise(denying, 1)).toEqual({ allowed: false, reason: 'view_stale', ttl_seconds: 30 }), { timeout: 10_000, interval: 100 });
    expect(await authorise(serving, 1)).toMatchObject({ allowed: true, reason: 'subscribed' });
    const stale = await readiness(denying);
    expect(stale.status).toBe(200);
    expect(stale.checks.bus).toEqual({ ok: false, detail: 'reconnecting' });
    expect(stale.checks.staleness).toMatchObject({ ok: false, detail: expect.stringContaining('policy deny') });
    expect(denying.freshness.report()).toMatchObject({ bus: 'reconnecting', tooStale: true });
    expect(denying.freshness.report().stalenessSeconds).toBeGreaterThan(1);

    await nats.restart();
    await vi.waitFor(() => expect(bus.status()).toBe('connected'), { timeout: 20_000 });
    expect(await authorise(denying, 1)).toMatchObject({ allowed: true, reason: 'subscribed' });
    expect((await readiness(denying)).checks.staleness).toMatchObject({ ok: true });

    // Changes after the restart reach both views (the watches resumed).
    await vi.waitFor(() => publishRecords(bus, { entitlements: [entitlementRecord({ n: 1, version: 2, grants: [{ product: 'mumo', state: 'suspended_debt' }] })] }), { timeout: 20_000, interval: 250 });
    for (const gateway of [serving, denying]) {
      await vi.waitFor(async () => expect(await authorise(gateway, 1)).toMatchObject({ allowed: false, reason: 'service_suspended_debt' }), { timeout: 20_000, interval: 100 });
    }
  }, 90_000);
});
