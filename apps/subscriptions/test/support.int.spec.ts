import { subjects } from '@sva/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, validCpf, type Harness } from './support/harness.ts';

describe('support views: explain (R15), customers, history, OpenAPI', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    console.info(`support.int.spec on ${h.label}`);
  });
  afterAll(() => h?.stop());

  it('R8, R15: when a product comes only with a package outside the locked plan, then explain says so in words, by customer and by subscriber id', async () => {
    const integration = h.catalog.integration();
    await h.catalog.announce(subjects.catalog.integrationChanged, integration);
    const music = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }], { description: 'Música' });
    const kids = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['kiddle'] }], { description: 'Kids' });
    const plan = h.catalog.plan([{ packageId: music.packageId, mandatory: true, trialDays: 0 }], { name: 'Fibra 500', lockPackages: true });
    const { customerId, serviceId } = await h.customerWithService({ planId: plan.planId, authLogin: 'maria.pppoe', authPassword: 's3nha' });
    // The catalog announces the package (the replica learns it), as it does when an operator creates one.
    await h.catalog.announce(subjects.catalog.packageChanged, kids);
    const subscriberId = (await h.eventually(() => h.kvRecord(integration.integrationId, customerId))).subscriberId;

    const explained = await h.eventually(async () => {
      const answer = await h.ok('GET', `/v1/customers/${customerId}/explain?product=kiddle`);
      return answer.answers.find((a: any) => a.integrationId === integration.integrationId)?.details.length > 0 ? answer : undefined;
    });
    expect(explained).toMatchObject({ customerId, product: 'kiddle', allowed: false });
    expect(explained.answers.find((a: any) => a.integrationId === integration.integrationId)).toMatchObject({ subscriberId, reason: 'not_subscribed' });
    expect(explained.summary).toContain(`package ${kids.packageId} ("Kids") is not in plan ${plan.planId} ("Fibra 500") and the plan locks packages`);
    expect(explained.summary).toContain('the service "Fibra 500" (login maria.pppoe)');

    const allowed = await h.ok('GET', `/v1/subscribers/${subscriberId}/explain?product=mumo`);
    expect(allowed).toMatchObject({ allowed: true, answers: [{ reason: 'subscribed', gatewayView: { reason: 'subscribed' } }] });
    expect(allowed.summary).toBe('allowed: the service "Fibra 500" (login maria.pppoe) is enabled and holds package "Música", which grants mumo');
    // The console's language, by query or Accept-Language; the reason code does not change.
    const portuguese = 'liberado: o serviço "Fibra 500" (login maria.pppoe) está habilitado e tem o pacote "Música", que dá mumo';
    expect((await h.ok('GET', `/v1/subscribers/${subscriberId}/explain?product=mumo&lang=pt-BR`)).summary).toBe(portuguese);
    const byHeader = await h.call('GET', `/v1/subscribers/${subscriberId}/explain?product=mumo`, undefined, { 'accept-language': 'pt-BR,pt;q=0.9,en;q=0.5' });
    expect(byHeader.body).toMatchObject({ summary: portuguese, answers: [{ reason: 'subscribed' }] });

    // Who the subscriber id NEO reports is.
    expect(await h.ok('GET', `/v1/subscribers/${subscriberId}`)).toMatchObject({
      subscriberId,
      integrationId: integration.integrationId,
      customer: { id: customerId, delinquent: false },
      services: [{ id: serviceId, status: 'enabled', login: 'maria.pppoe', planId: plan.planId, planName: 'Fibra 500' }],
    });
    expect((await h.call('GET', '/v1/subscribers/nobody-0123456')).body).toMatchObject({ status: 404, code: 'SUBSCRIPTIONS_SUBSCRIBER_NOT_FOUND' });

    const onlyThis = await h.ok('GET', `/v1/customers/${customerId}/explain?product=mumo&integrationId=${integration.integrationId}`);
    expect(onlyThis.answers).toHaveLength(1);
    const nothing = await h.ok('GET', `/v1/customers/${customerId}/explain?product=nothing-grants-this`);
    expect(nothing).toMatchObject({ allowed: false, answers: [{ reason: 'not_subscribed' }] });
    expect((await h.call('GET', `/v1/subscribers/nobody-0123456/explain?product=mumo`)).body).toMatchObject({ status: 404, code: 'SUBSCRIPTIONS_SUBSCRIBER_NOT_FOUND' });
    expect((await h.call('GET', `/v1/customers/${customerId}/explain?product=mumo&integrationId=00000000-0000-4000-8000-000000000001`)).body).toMatchObject({
      status: 404,
      code: 'SUBSCRIPTIONS_INTEGRATION_NOT_FOUND',
    });
    expect((await h.call('GET', `/v1/customers/${customerId}/explain?product=Not%20A%20Code`)).body).toMatchObject({ status: 400 });
  });

  it('when support looks a customer up by CPF (any punctuation) or code, or pages through the list, then it finds them', async () => {
    const cpf = validCpf();
    const typed = `${cpf.slice(0, 3)}.${cpf.slice(3, 6)}.${cpf.slice(6, 9)}-${cpf.slice(9)}`;
    const created = await h.ok('POST', '/v1/customers', { name: 'Lookup', document: typed, code: 'LOOKUP-1', email: 'Lookup@Example.com' });
    expect(created).toMatchObject({ documentType: 'cpf', documentMasked: `***.${cpf.slice(3, 6)}.${cpf.slice(6, 9)}-**`, email: 'lookup@example.com' });
    expect((await h.ok('GET', `/v1/customers?document=${cpf}`)).items.map((c: any) => c.id)).toEqual([created.id]);
    expect((await h.ok('GET', '/v1/customers?code=LOOKUP-1')).items.map((c: any) => c.id)).toEqual([created.id]);
    expect(JSON.stringify(await h.ok('GET', `/v1/customers/${created.id}`))).not.toContain(cpf);

    for (let i = 0; i < 3; i += 1) await h.ok('POST', '/v1/customers', { name: `Page ${i}`, document: validCpf() });
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: any = await h.ok('GET', `/v1/customers?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      for (const item of page.items) seen.add(item.id);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 100);
    expect(seen.has(created.id)).toBe(true);
    expect(seen.size).toBeGreaterThanOrEqual(4);
    expect((await h.call('GET', '/v1/customers?document=123')).body).toMatchObject({ status: 400 });
  });

  it('when a customer has a long history, then it pages newest first', async () => {
    const { customerId, serviceId } = await h.customerWithService();
    for (const status of ['suspended_request', 'enabled', 'suspended_debt', 'enabled'] as const) await h.ok('POST', `/v1/services/${serviceId}/status`, { status });
    const first = await h.ok('GET', `/v1/customers/${customerId}/history?limit=4`);
    expect(first.items.map((e: any) => e.action)).toEqual(['status_changed', 'status_changed', 'status_changed', 'status_changed']);
    const rest = await h.ok('GET', `/v1/customers/${customerId}/history?limit=4&cursor=${first.nextCursor}`);
    expect(rest).toMatchObject({ items: [{ action: 'service_created' }, { action: 'customer_created' }], nextCursor: null });
    expect((await h.call('GET', '/v1/customers/00000000-0000-4000-8000-000000000001/history')).body).toMatchObject({ status: 404 });
  });

  it('when support reads a customer history, then each entry says in words who did what, with the plan, login, package and old/new values, in Portuguese or English', async () => {
    const integration = h.catalog.integration();
    await h.catalog.announce(subjects.catalog.integrationChanged, integration);
    const music = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }], { description: 'Música', priceCents: 990 });
    await h.catalog.announce(subjects.catalog.packageChanged, music);
    const plan = h.catalog.plan([{ packageId: music.packageId, mandatory: true, trialDays: 0 }], { name: 'Fibra 300' });
    const { customerId, serviceId } = await h.customerWithService({ planId: plan.planId, authLogin: 'joao.silva', authPassword: 's3nha' });
    const attachment = (await h.ok('GET', `/v1/customers/${customerId}/history`)).items.find((e: any) => e.action === 'package_attached');
    await h.ok('PATCH', `/v1/services/${serviceId}/packages/${attachment.attachmentId}`, { priceCents: 490, reason: 'desconto de fidelidade' }, { 'x-actor': 'ana.operadora' });
    await h.ok('POST', `/v1/services/${serviceId}/status`, { status: 'suspended_request' }, { 'x-actor': 'ana.operadora' });

    const pt = await h.call('GET', `/v1/customers/${customerId}/history`, undefined, { 'accept-language': 'pt-BR,pt;q=0.9' });
    expect(pt.body.items.map((e: any) => e.text)).toEqual([
      'O serviço "Fibra 300" (login joao.silva) passou de habilitado para suspenso a pedido',
      'O preço do pacote "Música" no serviço "Fibra 300" (login joao.silva) passou de R$ 9,90 para R$ 4,90 — motivo: desconto de fidelidade',
      'O pacote "Música" foi incluído no serviço "Fibra 300" (login joao.silva) por R$ 9,90',
      'O serviço "Fibra 300" (login joao.silva) foi criado (habilitado)',
      'Cliente cadastrado',
    ]);
    expect(pt.body.items.map((e: any) => e.who)).toEqual(['ana.operadora', 'ana.operadora', 'um cliente da API', 'um cliente da API', 'um cliente da API']);
    // The stable codes and values stay as they were.
    expect(pt.body.items[1]).toMatchObject({ action: 'price_changed', actor: 'ana.operadora', newPriceCents: 490, packageId: music.packageId, serviceId });

    const en = await h.ok('GET', `/v1/customers/${customerId}/history?limit=2`);
    expect(en.items.map((e: any) => e.text)).toEqual([
      'The service "Fibra 300" (login joao.silva) changed from enabled to suspended on request',
      'The price of package "Música" on the service "Fibra 300" (login joao.silva) changed from R$9.90 to R$4.90 — reason: desconto de fidelidade',
    ]);
    expect((await h.ok('GET', `/v1/customers/${customerId}/history?limit=1&lang=pt-BR`)).items[0].text).toContain('passou de habilitado para suspenso a pedido');
  });

  it('when an operator opens the OpenAPI document, then every endpoint is described', async () => {
    const document = (await (await fetch(`${h.url}/openapi.json`)).json()) as { paths: Record<string, any> };
    const paths = Object.keys(document.paths);
    for (const path of [
      '/v1/customers',
      '/v1/customers/{id}',
      '/v1/customers/{id}/services',
      '/v1/customers/{id}/history',
      '/v1/customers/{id}/explain',
      '/v1/customers/{id}/decisions',
      '/v1/services/{id}',
      '/v1/services/{id}/status',
      '/v1/services/{id}/packages',
      '/v1/services/{id}/packages/{attachmentId}',
      '/v1/subscribers/{subscriberId}/explain',
      '/v1/subscribers/{subscriberId}',
      '/v1/reports/active-subscribers',
    ]) {
      expect(paths).toContain(path);
    }
    expect(document.paths['/v1/services/{id}/packages'].post.description).toContain('SUBSCRIPTIONS_PACKAGE_LOCKED_BY_PLAN (R8)');
  });
});
