import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCatalogHarness, type CatalogHarness } from './support/catalog-harness.ts';

/** Issue 11 §1: inputs that used to reach PostgreSQL and come back as 500 are a 400 problem. */
describe('catalog: no 500 for bad input, on real PostgreSQL', () => {
  let h: CatalogHarness;
  let integration: any;
  beforeAll(async () => {
    h = await startCatalogHarness();
    integration = await h.createIntegration();
  });
  afterAll(() => h?.stop());

  const cursorOf = (parts: string[]) => Buffer.from(JSON.stringify(['c1', ...parts])).toString('base64url');
  const id = '00000000-0000-4000-8000-000000000001';

  it.each([
    ['a package description', 'POST', '/v1/packages', { description: 'Música\u0000', priceCents: 990 }, 'body.description'],
    ['an integration description', 'POST', '/v1/integrations', { description: 'NEO\u0000', platform: { baseUrl: 'https://neo.example', clientId: 'c', clientSecret: 's' } }, 'body.description'],
    ['a plan name', 'POST', '/v1/plans', { name: 'Fibra\u0000', downloadMbps: 1, uploadMbps: 1, priceCents: 1 }, 'body.name'],
  ])('when %s holds a NUL, then 400 names the field (was 500, SQLSTATE 22021)', async (_what, method, url, body, path) => {
    const answer = await h.api(method as 'POST', url, body);
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ path })]);
  });

  it.each(['/v1/integrations', '/v1/plans', '/v1/packages'])('when %s is filtered by ?q= holding %00, then 400', async (url) => {
    const answer = await h.api('GET', `${url}?q=a%00b`);
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'querystring.q' })]);
  });

  it.each([
    ['/v1/integrations', '0000-01-01T00:00:00.000Z'],
    ['/v1/plans', '0000-01-01T00:00:00.000Z'],
    ['/v1/packages', '-100000-01-01T00:00:00.000Z'],
  ])('when %s gets a cursor dated %s, then 400 CATALOG_INVALID_CURSOR (was 500, SQLSTATE 22008)', async (url, at) => {
    const answer = await h.api('GET', `${url}?cursor=${cursorOf([at, id])}`);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('CATALOG_INVALID_CURSOR');
  });

  it('when a product cursor names a code with a NUL, then 400', async () => {
    const answer = await h.api('GET', `/v1/integrations/${integration.id}/products?cursor=${cursorOf(['mumo\u0000'])}`);
    expect(answer.status).toBe(400);
  });

  it('when a price exceeds 2^31-1 cents (the integer column), then 400 names priceCents', async () => {
    const answer = await h.api('POST', '/v1/packages', { description: 'Caro', priceCents: 2 ** 31 });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'body.priceCents' })]);
    expect((await h.api('POST', '/v1/packages', { description: 'Máximo', priceCents: 2 ** 31 - 1 })).status).toBe(201);
  });
});
