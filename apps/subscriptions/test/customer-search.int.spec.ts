import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { subjects } from '@sva/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameSearchForm } from '../src/domain/name-search.ts';
import { migrationsDir } from '../src/index.ts';
import { NAME_MATCHES_SORTED_AT_MOST } from '../src/repositories/customer-search.ts';
import { searchCustomers } from '../src/use-cases/customer-search.ts';
import { consent } from './support/consent.ts';
import { directContext } from './support/direct-context.ts';
import { startHarness, validCpf, type Harness } from './support/harness.ts';

const formatCpf = (cpf: string) => `${cpf.slice(0, 3)}.${cpf.slice(3, 6)}.${cpf.slice(6, 9)}-${cpf.slice(9)}`;

/** Issue 13: Clientes › busca by name (accents, case, any part), CPF/CNPJ, code, network login and subscriber id. */
describe('customer search, through the HTTP API', () => {
  let h: Harness;
  const ids: Record<string, string> = {};
  const search = async (query: Record<string, string>) => h.ok('GET', `/v1/customers?${new URLSearchParams(query)}`);
  const names = async (query: Record<string, string>) => (await search(query)).items.map((c: { name: string }) => c.name);

  beforeAll(async () => {
    h = await startHarness();
    console.info(`customer-search.int.spec on ${h.label}`);
    for (const name of ['João da Silva', 'JOANA SILVEIRA', 'Maria Conceição Araújo', 'Ângela  Müller', 'Ação & Cia 100%_certo Ltda']) {
      ids[name] = (await h.ok('POST', '/v1/customers', { name, document: validCpf() })).id;
    }
  });
  afterAll(() => h?.stop());

  it('when the name is typed without accents and in another case, then the customer is found', async () => {
    expect(await names({ name: 'joao' })).toEqual(['João da Silva']);
    expect(await names({ name: 'JOÃO DA' })).toEqual(['João da Silva']);
    expect(await names({ name: 'angela muller' })).toEqual(['Ângela  Müller']);
    expect(await names({ name: 'CONCEIÇÃO' })).toEqual(['Maria Conceição Araújo']);
  });

  it('when only part of a word is typed, then every customer with it anywhere in the name is found, ordered by name', async () => {
    expect(await names({ name: 'silv' })).toEqual(['JOANA SILVEIRA', 'João da Silva']);
    expect(await names({ name: 'ncei' })).toEqual(['Maria Conceição Araújo']);
    expect(await names({ name: 'xyzw' })).toEqual([]);
  });

  it('when several words are typed (first name and a surname, in any order), then customers with all of them are found', async () => {
    expect(await names({ name: 'joao silva' })).toEqual(['João da Silva']);
    expect(await names({ name: 'SILVA joão' })).toEqual(['João da Silva']);
    expect(await names({ name: 'maria arauj' })).toEqual(['Maria Conceição Araújo']);
    expect(await names({ name: 'maria silva' })).toEqual([]);
  });

  it('when the term holds % or _, then they are matched as themselves, not as wildcards', async () => {
    expect(await names({ name: '100%_c' })).toEqual(['Ação & Cia 100%_certo Ltda']);
    expect(await names({ name: '%%%' })).toEqual([]);
    expect(await names({ name: '___' })).toEqual([]);
  });

  it('when searching by the network login of a service, then its customer is found; an unknown login finds nobody', async () => {
    const { customerId } = await h.customerWithService({ authLogin: 'joao.silva@fibra', authPassword: 'segredo' }, { name: 'Login Pessoa' });
    expect((await search({ login: 'joao.silva@fibra' })).items.map((c: { id: string }) => c.id)).toEqual([customerId]);
    expect((await search({ login: '  joao.silva@fibra ' })).items.map((c: { id: string }) => c.id)).toEqual([customerId]);
    expect((await search({ login: 'joao.silva@outro' })).items).toEqual([]);
  });

  it('when searching by the subscriber id an integration knows the customer by (R13), then the customer is found', async () => {
    const integration = h.catalog.integration();
    await h.catalog.announce(subjects.catalog.integrationChanged, integration);
    const pkg = h.catalog.package([{ integrationId: integration.integrationId, productCodes: ['mumo'] }]);
    const { customerId, serviceId } = await h.customerWithService({}, { name: 'Assinante Pessoa' });
    await h.ok('POST', `/v1/services/${serviceId}/packages`, { consent, packageId: pkg.packageId });
    const customer = await h.ok('GET', `/v1/customers/${customerId}`);
    const subscriberId = customer.entitlements[0].subscriberId as string;
    expect((await search({ subscriberId })).items.map((c: { id: string }) => c.id)).toEqual([customerId]);
    expect((await search({ subscriberId: 'no-such-subscriber' })).items).toEqual([]);
  });

  it('when searching by CPF with or without punctuation, then the same customer is found, with the document masked', async () => {
    const cpf = validCpf();
    const created = await h.ok('POST', '/v1/customers', { name: 'Documento Pessoa', document: cpf, code: 'CLI-778' });
    for (const typed of [cpf, formatCpf(cpf), ` ${formatCpf(cpf)} `]) {
      const found = await search({ document: typed });
      expect(found.items).toEqual([expect.objectContaining({ id: created.id, documentMasked: `***.${cpf.slice(3, 6)}.${cpf.slice(6, 9)}-**` })]);
      expect(JSON.stringify(found)).not.toContain(cpf);
    }
    expect((await search({ code: 'CLI-778' })).items.map((c: { id: string }) => c.id)).toEqual([created.id]);
    expect((await search({ code: 'CLI-778', name: 'outro nome' })).items).toEqual([]);
  });

  it('when more customers match than a page holds, then the pages follow the name order without repeats and the last has no cursor', async () => {
    const created = [];
    for (const name of ['Paginação E', 'paginacao b', 'PAGINAÇÃO D', 'Paginação A', 'paginação c']) created.push(await h.ok('POST', '/v1/customers', { name, document: validCpf() }));
    const seen: string[] = [];
    let cursor: string | null = null;
    const pages: number[] = [];
    do {
      const page: { items: Array<{ name: string }>; nextCursor: string | null } = await search({ name: 'paginacao', limit: '2', ...(cursor ? { cursor } : {}) });
      pages.push(page.items.length);
      seen.push(...page.items.map((c) => c.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual([2, 2, 1]);
    expect(seen).toEqual(['Paginação A', 'paginacao b', 'paginação c', 'PAGINAÇÃO D', 'Paginação E']);
  });

  it('when a cursor of the newest-first list is used for a name search (or the reverse), then 400, not a wrong page', async () => {
    const byName = await search({ name: 'paginacao', limit: '1' });
    const newest = await search({ limit: '1' });
    expect((await h.call('GET', `/v1/customers?limit=1&cursor=${byName.nextCursor}`)).body).toMatchObject({ status: 400, code: 'SUBSCRIPTIONS_INVALID_CURSOR' });
    expect((await h.call('GET', `/v1/customers?name=paginacao&cursor=${newest.nextCursor}`)).body).toMatchObject({ status: 400, code: 'SUBSCRIPTIONS_INVALID_CURSOR' });
    // A name-order cursor holds an id, never the name (cursors end up in URLs and logs).
    expect(Buffer.from(byName.nextCursor, 'base64url').toString()).not.toMatch(/pagina/i);
  });

  it.each([
    ['jo', 'querystring.name'],
    ['  a  ', 'querystring.name'],
    ['a\u0301\u0301', 'querystring.name'],
    ['x'.repeat(201), 'querystring.name'],
    ['ab\u0000cd', 'querystring.name'],
  ])('when the name term is %j (too short or too long), then 400 problem+json names %s', async (name, field) => {
    const answer = await h.call('GET', `/v1/customers?name=${encodeURIComponent(name)}`);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: field })]);
  });

  it('when the name holds emoji, right-to-left marks or a backslash, then it is searched like any text (200, nobody found)', async () => {
    for (const name of ['\u{1F600}\u{1F600}\u{1F600}', '\u202e\u202eabc', 'a\\\\b\\c']) {
      const answer = await h.call('GET', `/v1/customers?name=${encodeURIComponent(name)}`);
      expect(answer.status).toBe(200);
      expect(answer.body.items).toEqual([]);
    }
  });

  it('when the document, login or subscriber id is malformed, then 400 naming the field', async () => {
    expect((await h.call('GET', '/v1/customers?document=123.456.789-00')).body).toMatchObject({ status: 400, code: 'SUBSCRIPTIONS_INVALID_DOCUMENT', errors: [{ path: 'document' }] });
    expect((await h.call('GET', `/v1/customers?login=${encodeURIComponent('a\u0000b')}`)).body).toMatchObject({ status: 400, errors: [{ path: 'querystring.login' }] });
    expect((await h.call('GET', '/v1/customers?subscriberId=short')).body).toMatchObject({ status: 400, errors: [{ path: 'querystring.subscriberId' }] });
  });
});

/** The migration filled `name_search` for the customers it found with SQL: it must give what the app computes. */
describe('customer name search on its own database: the backfill, and more matches than are sorted at once', () => {
  let direct: Awaited<ReturnType<typeof directContext>>;
  beforeAll(async () => {
    direct = await directContext();
  });
  afterAll(() => direct?.stop());

  it('when existing names are backfilled by the migration\'s statement, then each search form equals nameSearchForm(name)', async () => {
    const folder = (await readdir(migrationsDir)).find((name) => name.endsWith('_customer_name_search'))!;
    const sql = await readFile(path.join(migrationsDir, folder, 'migration.sql'), 'utf8');
    const backfill = /^UPDATE "customer" SET "name_search" = .*;$/m.exec(sql)?.[0];
    expect(backfill).toBeDefined();
    const samples = [
      'João da Silva', 'JOSÉ  ANTÔNIO', 'Conceição Araújo Gonçalves', 'Ângela Müller', 'Ñuñez Peña', 'Zoë Brontë', 'Øster Æbelø',
      'Jose\u0301 Decomposto', ' \tMaria\u00a0das   Dores ', 'ﬁlipe Ltda', 'Ação & Cia 100%_certo', 'Łukasz Żółć', 'İlkay Işık', 'ÇÉÀÕÜ', 'Straße',
    ];
    const { db } = direct.ctx;
    for (const [index, name] of samples.entries()) {
      await db.$executeRaw`INSERT INTO customer (id, name, document_type, document_key, document_verifier, document_masked, updated_at)
        VALUES (gen_random_uuid(), ${name}, 'cpf', ${`backfill-key-${index}`}, 'verifier', '***', now())`;
    }
    await db.$executeRawUnsafe(backfill!);
    const rows = await db.customer.findMany({ where: { documentKey: { startsWith: 'backfill-key-' } }, select: { name: true, nameSearch: true } });
    expect(rows.map((r) => [r.name, r.nameSearch]).sort()).toEqual(samples.map((name) => [name, nameSearchForm(name)]).sort());
  });

  it('when more customers match than the trigram way sorts (a common name), then the name-order way gives the same pages, in order', async () => {
    const { ctx } = direct;
    const many = NAME_MATCHES_SORTED_AT_MOST + 200;
    // Names sort in the reverse of their insertion, so that neither way can get the order right by luck.
    await ctx.db.$executeRaw`INSERT INTO customer (id, name, name_search, document_type, document_key, document_verifier, document_masked, updated_at)
      SELECT gen_random_uuid(), 'Comum ' || lpad((${many} - i)::text, 5, '0'), 'comum ' || lpad((${many} - i)::text, 5, '0'), 'cpf', 'many-key-' || i, 'verifier', '***', now()
        FROM generate_series(1, ${many}) AS i`;
    await ctx.db.$executeRaw`INSERT INTO customer_search (id, name_search) SELECT id, name_search FROM customer WHERE document_key LIKE 'many-key-%'`;
    await ctx.db.$executeRaw`ANALYZE customer_search`;
    const first = await searchCustomers(ctx, { name: 'COMUM' }, 3);
    expect(first.items.map((c) => c.name)).toEqual(['Comum 00000', 'Comum 00001', 'Comum 00002']);
    const second = await searchCustomers(ctx, { name: 'comum' }, 3, first.next!);
    expect(second.items.map((c) => c.name)).toEqual(['Comum 00003', 'Comum 00004', 'Comum 00005']);
    // Few matches (the trigram way), with the cursor of the other.
    const few = await searchCustomers(ctx, { name: 'comum 0000' }, 3, first.next!);
    expect(few.items.map((c) => c.name)).toEqual(['Comum 00003', 'Comum 00004', 'Comum 00005']);
    const last = await searchCustomers(ctx, { name: 'comum 01199' }, 3);
    expect(last).toEqual({ items: [expect.objectContaining({ name: 'Comum 01199' })], next: null });
  });
});
