import { randomUUID } from 'node:crypto';
import { encodeJson } from '@sva/bus';
import { subjects, type DecisionsRecordedV1, type DecisionV1 } from '@sva/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeSubscribersReport, pruneDecisions, recordDecisions } from '../src/use-cases/decisions.ts';
import { directContext } from './support/direct-context.ts';
import { startHarness, type Harness } from './support/harness.ts';
import { consent } from './support/consent.ts';

const decision = (fields: Partial<DecisionV1> & Pick<DecisionV1, 'integrationId' | 'subscriberId'>): DecisionV1 => ({
  product: 'mumo',
  allowed: true,
  reason: 'subscribed',
  latencyMicros: 120,
  at: '2026-11-10T12:00:00.000Z',
  ...fields,
});

describe('the audit store of gateway decisions (issue 7), through the bus', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    console.info(`decisions.int.spec on ${h.label}`);
  });
  afterAll(() => h?.stop());

  const publish = (batch: DecisionsRecordedV1) => h.bus.publish(subjects.gateway.decisionsRecorded, encodeJson(batch), { msgId: randomUUID() });

  it('when the gateway records decisions, then support sees a customer\'s decisions newest first, page by page, and the month report counts distinct subscribers', async () => {
    const integration = h.catalog.integration();
    await h.catalog.announce(subjects.catalog.integrationChanged, integration);
    const pkg = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo', 'kiddle'] }]);
    const subscribers: string[] = [];
    const customerIds: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const { customerId, serviceId } = await h.customerWithService();
      await h.ok('POST', `/v1/services/${serviceId}/packages`, { consent, packageId: pkg.packageId });
      subscribers.push((await h.eventually(() => h.kvRecord(integration.integrationId, customerId))).subscriberId);
      customerIds.push(customerId);
    }
    const [maria, jose] = subscribers as [string, string];
    const id = integration.integrationId;
    await publish({
      gatewayId: 'gw-1',
      decisions: [
        decision({ integrationId: id, subscriberId: maria, at: '2026-11-10T12:00:00.000Z' }),
        decision({ integrationId: id, subscriberId: maria, at: '2026-11-11T12:00:00.000Z' }),
        decision({ integrationId: id, subscriberId: maria, product: 'kiddle', allowed: false, reason: 'service_suspended_debt', at: '2026-11-12T12:00:00.000Z' }),
        decision({ integrationId: id, subscriberId: jose, at: '2026-11-13T12:00:00.000Z' }),
        // 23:00 in São Paulo on 30 November: counts in November.
        decision({ integrationId: id, subscriberId: jose, product: 'kiddle', at: '2026-12-01T02:00:00.000Z' }),
        decision({ integrationId: id, subscriberId: jose, product: 'kiddle', at: '2026-12-02T12:00:00.000Z' }),
        decision({ integrationId: id, subscriberId: 'never-heard-of-them', allowed: false, reason: 'unknown_subscriber' }),
      ],
    });

    const firstPage = await h.eventually(async () => {
      const page = await h.ok('GET', `/v1/customers/${customerIds[0]}/decisions?limit=2`);
      return page.items.length === 2 ? page : undefined;
    });
    expect(firstPage.items.map((d: any) => [d.product, d.allowed, d.reason, d.at])).toEqual([
      ['kiddle', false, 'service_suspended_debt', '2026-11-12T12:00:00.000Z'],
      ['mumo', true, 'subscribed', '2026-11-11T12:00:00.000Z'],
    ]);
    expect(firstPage.nextCursor).not.toBeNull();
    const secondPage = await h.ok('GET', `/v1/customers/${customerIds[0]}/decisions?limit=2&cursor=${firstPage.nextCursor}`);
    expect(secondPage).toMatchObject({ items: [{ product: 'mumo', at: '2026-11-10T12:00:00.000Z', latencyMicros: 120 }], nextCursor: null });
    expect((await h.ok('GET', `/v1/customers/${customerIds[1]}/decisions?product=kiddle`)).items).toHaveLength(2);

    const november = await h.ok('GET', '/v1/reports/active-subscribers?month=2026-11');
    expect(november.timeZone).toBe('America/Sao_Paulo');
    expect(november.items.filter((line: any) => line.integrationId === id)).toEqual([
      { integrationId: id, product: 'kiddle', activeSubscribers: 1 },
      { integrationId: id, product: 'mumo', activeSubscribers: 2 },
    ]);
    const december = await h.ok('GET', '/v1/reports/active-subscribers?month=2026-12');
    expect(december.items.filter((line: any) => line.integrationId === id)).toEqual([{ integrationId: id, product: 'kiddle', activeSubscribers: 1 }]);
    expect((await h.call('GET', '/v1/reports/active-subscribers?month=2026-13')).body).toMatchObject({ status: 400 });
    expect((await h.call('GET', `/v1/customers/${customerIds[0]}/decisions?cursor=bogus`)).body).toMatchObject({ status: 400, code: 'SUBSCRIPTIONS_INVALID_CURSOR' });
  });
});

describe('decision batches redelivered (use case on its own database)', () => {
  let direct: Awaited<ReturnType<typeof directContext>>;

  beforeAll(async () => {
    direct = await directContext();
  });
  afterAll(() => direct?.stop());

  it('when the same batch is delivered twice (same msgId), then its decisions are stored once', async () => {
    const integrationId = randomUUID();
    const batch: DecisionsRecordedV1 = {
      gatewayId: 'gw-1',
      decisions: [decision({ integrationId, subscriberId: 'sub-a-0123456789' }), decision({ integrationId, subscriberId: 'sub-b-0123456789', allowed: false, reason: 'not_subscribed' })],
    };
    const msgId = randomUUID();
    expect(await recordDecisions(direct.ctx, batch, msgId)).toBe(2);
    expect(await recordDecisions(direct.ctx, batch, msgId)).toBe(0);
    expect(await direct.ctx.db.gatewayDecision.count({ where: { integrationId } })).toBe(2);
    // Another batch with the same subscriber in the same month does not count it twice.
    expect(await recordDecisions(direct.ctx, { gatewayId: 'gw-2', decisions: [decision({ integrationId, subscriberId: 'sub-a-0123456789', at: '2026-11-20T12:00:00.000Z' })] }, randomUUID())).toBe(1);
    expect((await activeSubscribersReport(direct.ctx, '2026-11')).filter((l) => l.integrationId === integrationId)).toEqual([{ integrationId, product: 'mumo', activeSubscribers: 1 }]);
  });

  it('when decisions are older than the retention, then they are forgotten while the month report keeps its counts', async () => {
    const integrationId = randomUUID();
    await recordDecisions(
      direct.ctx,
      {
        gatewayId: 'gw-1',
        decisions: [
          decision({ integrationId, subscriberId: 'sub-old-0123456789', at: '2026-06-10T12:00:00.000Z' }),
          decision({ integrationId, subscriberId: 'sub-new-0123456789', at: '2026-11-10T12:00:00.000Z' }),
        ],
      },
      randomUUID(),
    );
    expect(await pruneDecisions(direct.ctx, new Date('2026-09-01T00:00:00Z'))).toBe(1);
    expect((await direct.ctx.db.gatewayDecision.findMany({ where: { integrationId } })).map((d) => d.subscriberId)).toEqual(['sub-new-0123456789']);
    expect((await activeSubscribersReport(direct.ctx, '2026-06')).filter((l) => l.integrationId === integrationId)).toEqual([{ integrationId, product: 'mumo', activeSubscribers: 1 }]);
  });
});
