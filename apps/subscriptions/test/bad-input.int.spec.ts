import { subjects } from '@sva/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.ts';
import { consent } from './support/consent.ts';

/** Issue 11 §1: inputs that used to reach PostgreSQL and come back as 500 are a 400 problem. */
describe('subscriptions: no 500 for bad input, on real PostgreSQL', () => {
  let h: Harness;
  let customerId: string;
  let serviceId: string;
  let attachmentId: string;
  let packageId: string;
  beforeAll(async () => {
    h = await startHarness();
    const integration = h.catalog.integration();
    await h.catalog.announce(subjects.catalog.integrationChanged, integration);
    packageId = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }]).packageId;
    ({ customerId, serviceId } = await h.customerWithService());
    attachmentId = (await h.ok('POST', `/v1/services/${serviceId}/packages`, { consent, packageId })).id;
  });
  afterAll(() => h?.stop());

  const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('when a customer name holds a NUL, then 400 names body.name (was 500, SQLSTATE 22021)', async () => {
    const answer = await h.call('POST', '/v1/customers', { name: 'Maria\u0000', document: '52998224725' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'body.name' })]);
  });

  it('when a service login or a status reason holds a NUL, then 400', async () => {
    expect((await h.call('POST', `/v1/customers/${customerId}/services`, { authLogin: 'maria\u0000', authPassword: 'x' })).status).toBe(400);
    expect((await h.call('POST', `/v1/services/${serviceId}/status`, { status: 'suspended_request', reason: 'pedido\u0000' })).status).toBe(400);
  });

  it('when ?code= holds %00, then 400 names querystring.code', async () => {
    const answer = await h.call('GET', '/v1/customers?code=a%00');
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'querystring.code' })]);
  });

  it.each([
    ['/v1/customers', { at: '2026-11-28T12:00:00.000Z', id: 'abc' }],
    ['/v1/customers', { at: '0000-01-01T00:00:00.000Z', id: '00000000-0000-4000-8000-000000000001' }],
    ['history', { id: '99999999999999999999' }],
    ['history', { id: '9223372036854775808' }],
    ['decisions', { at: '2026-11-28T12:00:00.000Z', id: '9223372036854775808' }],
    ['decisions', { at: '2026-11-28T12:00:00.000Z', id: 'abc' }],
  ])('when %s gets the cursor %j, then 400 SUBSCRIPTIONS_INVALID_CURSOR (was 500)', async (list, position) => {
    const url = list.startsWith('/') ? list : `/v1/customers/${customerId}/${list}`;
    const answer = await h.call('GET', `${url}?cursor=${cursorOf(position)}`);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('SUBSCRIPTIONS_INVALID_CURSOR');
  });

  it('when a price above 2^31-1 cents is given on attach or on a price change, then 400 names priceCents (was 500: Int column)', async () => {
    const { serviceId: other } = await h.customerWithService();
    const attach = await h.call('POST', `/v1/services/${other}/packages`, { consent, packageId, priceCents: 2 ** 31 });
    expect(attach.status).toBe(400);
    expect(attach.body.errors).toEqual([expect.objectContaining({ path: 'body.priceCents' })]);
    const patch = await h.call('PATCH', `/v1/services/${serviceId}/packages/${attachmentId}`, { priceCents: Number.MAX_SAFE_INTEGER });
    expect(patch.status).toBe(400);
    expect((await h.call('PATCH', `/v1/services/${serviceId}/packages/${attachmentId}`, { priceCents: 2 ** 31 - 1 })).status).toBe(200);
  });
});
