import { randomUUID } from 'node:crypto';
import { subjects } from '@sva/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, validCpf, type Harness } from './support/harness.ts';
import { consent } from './support/consent.ts';

describe('retries with an Idempotency-Key (create customer, create service, attach)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    console.info(`idempotency.int.spec on ${h.label}`);
  });
  afterAll(() => h?.stop());

  it('when a customer creation is retried with the same key and body, then the first answer comes back and only one customer exists', async () => {
    const key = randomUUID();
    const body = { name: 'Maria', document: validCpf(), code: `C-${randomUUID().slice(0, 8)}` };
    const first = await h.call('POST', '/v1/customers', body, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const retry = await h.call('POST', '/v1/customers', body, { 'idempotency-key': key });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect((await h.ok('GET', `/v1/customers?code=${body.code}`)).items).toHaveLength(1);
    // Without the key the same body is a second request: refused as a duplicate document.
    expect((await h.call('POST', '/v1/customers', body)).body).toMatchObject({ status: 409, code: 'SUBSCRIPTIONS_CUSTOMER_EXISTS' });
  });

  it('when the same key comes with a different body (or for another operation), then it is refused with 422', async () => {
    const key = randomUUID();
    expect((await h.call('POST', '/v1/customers', { name: 'Ana', document: validCpf() }, { 'idempotency-key': key })).status).toBe(201);
    const other = await h.call('POST', '/v1/customers', { name: 'Ana', document: validCpf() }, { 'idempotency-key': key });
    expect(other.body).toMatchObject({ status: 422, code: 'SUBSCRIPTIONS_IDEMPOTENCY_KEY_REUSED', errors: [{ path: 'headers.idempotency-key' }] });
    const { customerId } = await h.customerWithService();
    expect((await h.call('POST', `/v1/customers/${customerId}/services`, { status: 'enabled' }, { 'idempotency-key': key })).body).toMatchObject({
      code: 'SUBSCRIPTIONS_IDEMPOTENCY_KEY_REUSED',
    });
    expect((await h.call('POST', '/v1/customers', { name: 'Ana', document: validCpf() }, { 'idempotency-key': 'has spaces' })).body).toMatchObject({
      status: 400,
      code: 'SUBSCRIPTIONS_INVALID_IDEMPOTENCY_KEY',
    });
  });

  it('when a service creation is retried, then one service exists with its plan packages once', async () => {
    const integration = h.catalog.integration();
    await h.catalog.announce(subjects.catalog.integrationChanged, integration);
    const pkg = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }]);
    const plan = h.catalog.plan([{ packageId: pkg.packageId, mandatory: true, trialDays: 0 }]);
    const { customerId } = await h.customerWithService();
    const key = randomUUID();
    const body = { planId: plan.planId, status: 'enabled' };
    const first = await h.call('POST', `/v1/customers/${customerId}/services`, body, { 'idempotency-key': key });
    const retry = await h.call('POST', `/v1/customers/${customerId}/services`, body, { 'idempotency-key': key });
    expect(retry.body).toEqual(first.body);
    const customer = await h.ok('GET', `/v1/customers/${customerId}`);
    expect(customer.services.filter((s: any) => s.planId === plan.planId)).toHaveLength(1);
  });

  it('when the same attach is sent many times at once with one key, then it takes effect once and every answer is the same', async () => {
    const integration = h.catalog.integration();
    await h.catalog.announce(subjects.catalog.integrationChanged, integration);
    const pkg = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }]);
    const { customerId, serviceId } = await h.customerWithService();
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 6 }, () => h.call('POST', `/v1/services/${serviceId}/packages`, { consent, packageId: pkg.packageId }, { 'idempotency-key': key })));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(5);
    const attached = (await h.ok('GET', `/v1/customers/${customerId}/history`)).items.filter((e: any) => e.action === 'package_attached');
    expect(attached).toHaveLength(1);
  });

  it('when the first attempt was refused, then a retry with the same key runs again (refusals are not remembered)', async () => {
    const integration = h.catalog.integration();
    await h.catalog.announce(subjects.catalog.integrationChanged, integration);
    const { serviceId } = await h.customerWithService();
    const packageId = randomUUID();
    const key = randomUUID();
    expect((await h.call('POST', `/v1/services/${serviceId}/packages`, { consent, packageId }, { 'idempotency-key': key })).body).toMatchObject({ code: 'SUBSCRIPTIONS_PACKAGE_UNKNOWN' });
    h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }], { packageId });
    expect((await h.call('POST', `/v1/services/${serviceId}/packages`, { consent, packageId }, { 'idempotency-key': key })).status).toBe(201);
  });
});
