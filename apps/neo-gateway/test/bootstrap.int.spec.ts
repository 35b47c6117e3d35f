import { type Bus, connectNatsBus, createMemoryBus, decodeJson } from '@sva/bus';
import { buckets, DecisionsRecordedV1, entitlementKey, streams, subjects } from '@sva/contracts';
import { resolveNats } from '@sva/testing';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { EntitlementView } from '../src/view/entitlement-view.ts';
import { encodeSnapshot, SNAPSHOT_BUCKET, SNAPSHOT_NAME } from '../src/view/snapshot.ts';
import { cpf, customerId, entitlementRecord, integrationId, integrationRecord, secret, subscriberId } from './fixtures.ts';
import { publishRecords, startTestGateway, type TestGateway } from './gateway.ts';

const nats = await resolveNats();
const base = `/v1/callback/${integrationId}/${secret}`;
const customers = 300;

type MakeBus = () => Promise<Bus>;

/**
 * Bootstrap (issue 7, "The view"): a replica that finds no snapshot replays the latest value of
 * every key and leaves a snapshot behind; a fresh replica loads that snapshot and replays only what
 * changed after it. And every decision goes out as an audit batch. On both buses.
 */
function describeBootstrap(name: string, makeBus: MakeBus): void {
  describe(`view bootstrap and audit on ${name}`, () => {
    const opened: Array<{ stop(): Promise<void> }> = [];
    afterAll(async () => {
      for (const item of opened.reverse()) await item.stop();
    });

    const gatewayOn = async (bus: Bus, config: Parameters<typeof startTestGateway>[0] = {}) => {
      const gateway = await startTestGateway({ bus, integrations: [], entitlements: [], ...config });
      opened.push(gateway);
      return gateway;
    };
    const authorise = async (gateway: TestGateway, subscriber: string) => (await gateway.app.inject({ url: `${base}/authorise?subscriber_id=${subscriber}&product=mumo` })).json();

    it('when the first replica replays every key, then it leaves a snapshot from which a fresh replica starts, replaying only the changes after it', async () => {
      const bus = await makeBus();
      opened.push({ stop: () => bus.close() });
      await publishRecords(bus, { integrations: [integrationRecord()], entitlements: Array.from({ length: customers }, (_, n) => entitlementRecord({ n })) });

      const first = await gatewayOn(bus, { config: { snapshotIntervalSeconds: 300 } });
      expect(first.feed.report()).toMatchObject({ state: 'ready', source: 'replay', entries: customers });
      // Its periodic check finds no snapshot and writes one within seconds of being ready.
      const store = await bus.objects({ bucket: SNAPSHOT_BUCKET });
      await vi.waitFor(async () => expect(await store.info(SNAPSHOT_NAME)).not.toBeNull(), { timeout: 15_000, interval: 100 });

      // Changes after the snapshot: one cancelled, one deleted, one new customer.
      await publishRecords(bus, { entitlements: [entitlementRecord({ n: 1, version: 2, grants: [{ product: 'mumo', state: 'cancelled' }] }), entitlementRecord({ n: 1_000 })] });
      await (await bus.kv({ bucket: buckets.entitlements })).delete(entitlementKey(integrationId, customerId(2)));

      const fresh = await gatewayOn(bus);
      expect(fresh.feed.report()).toMatchObject({ state: 'ready', source: 'snapshot', entries: 3 });
      expect(fresh.view.stats().subscribers).toBe(customers);
      expect(await authorise(fresh, subscriberId(1))).toMatchObject({ reason: 'service_cancelled' });
      expect(await authorise(fresh, subscriberId(2))).toMatchObject({ reason: 'unknown_subscriber' });
      expect(await authorise(fresh, subscriberId(1_000))).toMatchObject({ reason: 'subscribed' });
      expect(await authorise(fresh, subscriberId(299))).toMatchObject({ reason: 'subscribed' });
      const identified = await fresh.app.inject({ method: 'POST', url: `${base}/identify`, payload: { login: cpf(150), password: cpf(150) } });
      expect(identified.json()).toEqual({ identified: true, subscriber_id: subscriberId(150), status: 'active' });
      // It follows later changes like any replica.
      await publishRecords(bus, { entitlements: [entitlementRecord({ n: 299, version: 2, grants: [{ product: 'mumo', state: 'trial_ended' }] })] });
      await vi.waitFor(async () => expect(await authorise(fresh, subscriberId(299))).toMatchObject({ reason: 'trial_ended' }));
    }, 60_000);

    it('when the stored snapshot is corrupt or of another bucket incarnation, then a fresh replica replays every key instead', async () => {
      const bus = await makeBus();
      opened.push({ stop: () => bus.close() });
      await publishRecords(bus, { integrations: [integrationRecord()], entitlements: Array.from({ length: 20 }, (_, n) => entitlementRecord({ n })) });
      const store = await bus.objects({ bucket: SNAPSHOT_BUCKET });

      await store.put(SNAPSHOT_NAME, new TextEncoder().encode('SVAGWSN1 but not really a snapshot'));
      const afterCorrupt = await gatewayOn(bus);
      expect(afterCorrupt.feed.report()).toMatchObject({ state: 'ready', source: 'replay', entries: 20 });
      expect(await authorise(afterCorrupt, subscriberId(19))).toMatchObject({ reason: 'subscribed' });

      const elsewhere = new EntitlementView();
      elsewhere.applyEntitlement(entitlementRecord({ n: 500 }));
      await store.put(SNAPSHOT_NAME, Buffer.concat(encodeSnapshot(elsewhere.image(), { revision: 1, epoch: 'another-incarnation' }, new Date())));
      const afterForeign = await gatewayOn(bus);
      expect(afterForeign.feed.report()).toMatchObject({ state: 'ready', source: 'replay', entries: 20 });
      expect(await authorise(afterForeign, subscriberId(500))).toMatchObject({ reason: 'unknown_subscriber' });

      // A snapshot a gateway of the former format left (verifiers before binding): refused, replayed instead.
      const status = await (await bus.kv({ bucket: buckets.entitlements })).status();
      const current = new EntitlementView();
      current.applyEntitlement(entitlementRecord({ n: 501 }));
      const formerFormat = Buffer.from(Buffer.concat(encodeSnapshot(current.image(), { revision: status.revision, epoch: status.epoch }, new Date())).toString('latin1').replace('"format":3', '"format":2'), 'latin1');
      await store.put(SNAPSHOT_NAME, formerFormat);
      const afterFormer = await gatewayOn(bus);
      expect(afterFormer.feed.report()).toMatchObject({ state: 'ready', source: 'replay', entries: 20 });
      expect(await authorise(afterFormer, subscriberId(501))).toMatchObject({ reason: 'unknown_subscriber' });
      expect(await authorise(afterFormer, subscriberId(19))).toMatchObject({ reason: 'subscribed' });
    }, 60_000);

    it('when NEO is authorised, then every decision is published in audit batches with its reason and latency', async () => {
      const bus = await makeBus();
      opened.push({ stop: () => bus.close() });
      await publishRecords(bus, { integrations: [integrationRecord()], entitlements: [entitlementRecord({ n: 1 })] });
      await bus.ensureStream(streams.gateway);
      const decisions: DecisionsRecordedV1['decisions'] = [];
      opened.push(
        await bus.consume({ stream: streams.gateway.name, durable: 'audit-reader', filterSubject: subjects.gateway.decisionsRecorded }, async (delivery) => {
          const batch = DecisionsRecordedV1.parse(decodeJson(delivery.data));
          expect(batch.gatewayId).toBe('test-gateway');
          decisions.push(...batch.decisions);
          await delivery.ack();
        }),
      );
      const gateway = await gatewayOn(bus, { config: { auditBatchSize: 4, auditFlushMs: 50 } });
      for (let i = 0; i < 5; i++) await authorise(gateway, subscriberId(1));
      await authorise(gateway, 'nobody-here');
      await vi.waitFor(() => expect(decisions).toHaveLength(6), { timeout: 15_000 });
      expect(decisions[0]).toMatchObject({ integrationId, subscriberId: subscriberId(1), product: 'mumo', allowed: true, reason: 'subscribed' });
      expect(decisions[5]).toMatchObject({ subscriberId: 'nobody-here', allowed: false, reason: 'unknown_subscriber' });
      expect(decisions.every((d) => d.latencyMicros >= 0 && Date.parse(d.at) > 0)).toBe(true);
      expect(gateway.recorder.stats()).toMatchObject({ published: 6, dropped: 0, buffered: 0 });
    }, 60_000);
  });
}

describeBootstrap('the in-process bus', async () => createMemoryBus({ onError: () => {} }));

let buses = 0;
describe.skipIf(nats.source === 'none')(`on NATS (${nats.source === 'none' ? nats.reason : nats.url})`, () => {
  afterAll(async () => {
    await nats.stop();
  });
  describeBootstrap('NATS', async () => connectNatsBus({ servers: nats.url, prefix: `${nats.prefix}g${++buses}.`, onError: () => {} }));
});
