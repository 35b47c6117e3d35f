import { neoAuthorise, neoIdentify } from '@sva/neo-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoClock } from '../src/demo-clock.ts';
import { eventually, startSystemUnderTest, type SystemUnderTest } from './support/system-under-test.ts';

/**
 * Issue 15, done when: a provider's month on the embedded system with the demo clock, configured
 * by environment as under `npm start` — sync, products changing on NEO's side, a sale, a trial
 * ending, an invoice going overdue, a trust unblock running out, payment — checking what NEO is
 * answered and what explain says at each step. No scheduler interval is shortened: time-driven
 * jobs run because the demo clock is moved.
 */
describe('a provider\'s month (R4, R11, R13–R17)', () => {
  const demo = createDemoClock();
  let sut: SystemUnderTest;
  beforeAll(async () => {
    sut = await startSystemUnderTest('provider month', {
      demoClock: demo,
      env: {
        ...process.env,
        // Non-default values: set here so the test does not follow the defaults.
        GATEWAY_ALLOW_TTL_SECONDS: '120',
        GATEWAY_DENY_TTL_SECONDS: '9',
        BILLING_GRACE_DAYS: '2',
        BILLING_DAILY_EVALUATION_TIME: '00:00',
      },
    });
  });
  afterAll(() => sut?.stop());

  it('plays the month', async () => {
    const { urls } = sut.system;
    const advance = (by: Record<string, number>) => sut.advanceClock(by);
    const control = (method: string, path: string, body?: unknown) => sut.controlSimulator(method, path, body);
    const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo' }).format(demo.clock.now());

    // Day 1: configure NEO, sync; NEO adds a product and drops one, sync again (R4).
    const integration = await sut.created(urls.catalog, '/v1/integrations', { description: 'NEO', loginField: 'cpf_cnpj', syncSubscriptionStatus: true, platform: sut.platform() });
    expect((await sut.call(urls.catalog, 'POST', `/v1/integrations/${integration.id}/sync`)).body.added).toEqual(expect.arrayContaining(['mumo', 'kiddle', 'leiturinha']));
    expect((await control('POST', '/products', { code: 'cinemark', name: 'Cinema em casa' })).status).toBe(201);
    expect((await control('DELETE', '/products/leiturinha')).status).toBe(200);
    expect((await sut.call(urls.catalog, 'POST', `/v1/integrations/${integration.id}/sync`)).body).toMatchObject({ added: ['cinemark'], deactivated: ['leiturinha'] });

    // Sell: a plan "300 Mega" with music, and cinema as a 7-day trial.
    const grant = (code: string) => [{ integrationId: integration.id, productCodes: [code] }];
    const music = await sut.created(urls.catalog, '/v1/packages', { description: 'Música', priceCents: 1_990, grants: grant('mumo') });
    const cinema = await sut.created(urls.catalog, '/v1/packages', { description: 'Cinema', priceCents: 2_490, grants: grant('cinemark') });
    const plan = await sut.created(urls.catalog, '/v1/plans', {
      name: '300 Mega',
      downloadMbps: 300,
      uploadMbps: 150,
      priceCents: 9_990,
      packages: [
        { packageId: music.id, mandatory: true, trialDays: 0 },
        { packageId: cinema.id, mandatory: false, trialDays: 7 },
      ],
    });
    const customer = await sut.created(urls.subscriptions, '/v1/customers', { name: 'João Silva', document: '529.982.247-25' });
    await sut.created(urls.subscriptions, `/v1/customers/${customer.id}/services`, { planId: plan.id, status: 'enabled', authLogin: 'joao.silva', authPassword: 'pppoe-senha' });

    // NEO identifies the user by CPF (R13) and authorises, with the configured TTLs.
    const identified = await eventually(async () => {
      const answer = await neoIdentify(integration.callbackUrl, '529.982.247-25', '529.982.247-25');
      return (answer.body as { identified?: boolean }).identified ? answer : undefined;
    }, 10_000);
    const subscriberId = (identified.body as { subscriber_id: string }).subscriber_id;
    const authorise = async (product: string) => (await neoAuthorise(integration.callbackUrl, subscriberId, product)).body as Record<string, unknown>;
    const until = (product: string, reason: string) => eventually(async () => {
      const answer = await authorise(product);
      return answer.reason === reason ? answer : undefined;
    }, 10_000);
    const explain = async (product: string) => (await sut.call(urls.subscriptions, 'GET', `/v1/subscribers/${subscriberId}/explain?product=${product}`)).body;
    expect(await until('mumo', 'subscribed')).toMatchObject({ allowed: true, ttl_seconds: 120 });
    expect(await until('cinemark', 'subscribed')).toMatchObject({ allowed: true, ttl_seconds: 120 });
    expect(await authorise('leiturinha')).toMatchObject({ allowed: false, ttl_seconds: 9 });
    expect((await explain('mumo')).summary).toBe('allowed: the service "300 Mega" (login joao.silva) is enabled and holds package "Música", which grants mumo');
    expect((await sut.call(urls.subscriptions, 'GET', `/v1/subscribers/${subscriberId}`)).body).toMatchObject({ customer: { name: 'João Silva' }, services: [{ login: 'joao.silva', planName: '300 Mega' }] });

    // Day 9: the trial is over (R11).
    await advance({ days: 8 });
    expect(await until('cinemark', 'trial_ended')).toMatchObject({ allowed: false, ttl_seconds: 9 });
    expect((await explain('cinemark')).summary).toMatch(/^the trial of package "Cinema" on the service "300 Mega" \(login joao\.silva\) ended on \d{4}-\d{2}-\d{2} \(R11\)$/);
    expect(await authorise('mumo')).toMatchObject({ allowed: true });

    // An invoice due today; past the 2 grace days the daily evaluation makes the customer delinquent (R16, R17).
    const issued = await sut.call(urls.billing, 'POST', '/v1/invoice-facts', { fact: 'issued', invoiceId: 'INV-1', customerId: customer.id, amountCents: 9_990, dueDate: today(), occurredAt: demo.clock.now().toISOString() });
    expect(issued.body.standing).toMatchObject({ standing: 'good' });
    await advance({ days: 2 });
    expect(await authorise('mumo')).toMatchObject({ allowed: true });
    await advance({ days: 1 });
    expect(await until('mumo', 'service_suspended_debt')).toMatchObject({ allowed: false, ttl_seconds: 9 });
    const suspended = await explain('mumo');
    expect(suspended.summary).toMatch(/^the service "300 Mega" \(login joao\.silva\) is suspended for debt: the customer is delinquent \(.*INV-1.*\) and integration .* syncs subscription status \(R17\)$/);
    const inPortuguese = (await sut.call(urls.subscriptions, 'GET', `/v1/subscribers/${subscriberId}/explain?product=mumo&lang=pt-BR`)).body;
    expect(inPortuguese.summary).toMatch(/^o serviço "300 Mega" \(login joao\.silva\) está suspenso por débito/);
    expect(inPortuguese.answers[0].reason).toBe('service_suspended_debt');

    // A trust unblock of 2 days restores access; when it runs out unpaid, suspended again.
    expect((await sut.call(urls.billing, 'POST', `/v1/customers/${customer.id}/trust-unblocks`, { days: 2 })).status).toBe(201);
    expect(await until('mumo', 'subscribed')).toMatchObject({ allowed: true });
    await advance({ days: 2, hours: 1 });
    expect(await until('mumo', 'service_suspended_debt')).toMatchObject({ allowed: false });

    // The customer pays: access back, and explain says so.
    const paid = await sut.call(urls.billing, 'POST', '/v1/invoice-facts', { fact: 'paid', invoiceId: 'INV-1', customerId: customer.id, paidOn: today(), occurredAt: demo.clock.now().toISOString() });
    expect(paid.body.standing).toMatchObject({ standing: 'good' });
    expect(await until('mumo', 'subscribed')).toMatchObject({ allowed: true, ttl_seconds: 120 });
    expect((await explain('mumo')).summary).toContain('is enabled and holds package "Música"');
  });
});
