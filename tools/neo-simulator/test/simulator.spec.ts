import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_NEO_PRODUCTS, parseProductsFile, ProductsFileError, startNeoSimulator } from '../src/index.ts';
import type { NeoSimulator } from '../src/index.ts';

const basic = (clientId: string, clientSecret: string): string =>
  `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;

describe('NEO simulator', () => {
  let sim: NeoSimulator;
  let auth: string;

  const get = (path: 'ping' | 'products', authorization: string | null = auth, signal?: AbortSignal) =>
    fetch(`${sim.url}/v1/${path}`, {
      headers: authorization === null ? {} : { authorization },
      ...(signal ? { signal } : {}),
    });

  beforeAll(async () => {
    sim = await startNeoSimulator({ clientId: 'isp-1', clientSecret: 's3cret' });
    auth = basic('isp-1', 's3cret');
  });
  afterAll(async () => {
    await sim.stop();
  });
  beforeEach(() => {
    sim.setFault(null);
    sim.setProducts(DEFAULT_NEO_PRODUCTS);
  });

  describe('when the credentials are right', () => {
    it('then ping answers 200 {"ok":true}', async () => {
      const response = await get('ping');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true });
    });

    it('then products lists the default catalogue', async () => {
      const response = await get('products');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({
        products: [
          { code: 'mumo', name: 'Mumo Música' },
          { code: 'kiddle', name: 'Kiddle Kids' },
          { code: 'leiturinha', name: 'Leiturinha' },
        ],
      });
    });

    it('then products lists what setProducts gave it', async () => {
      sim.setProducts([{ code: 'new-app', name: 'New App' }]);
      expect(await (await get('products')).json()).toEqual({ products: [{ code: 'new-app', name: 'New App' }] });
    });
  });

  describe('when the credentials are wrong or missing', () => {
    it.each([
      ['a wrong secret', basic('isp-1', 'nope')],
      ['a wrong client id', basic('isp-2', 's3cret')],
      ['no credentials', null],
      ['a bearer token', 'Bearer s3cret'],
    ])('then both endpoints answer 401 for %s', async (_label, authorization) => {
      expect((await get('ping', authorization)).status).toBe(401);
      const products = await get('products', authorization);
      expect(products.status).toBe(401);
      expect(products.headers.get('www-authenticate')).toMatch(/^Basic/);
    });
  });

  it('when credentials are not given, then it accepts the demo defaults and reports them', async () => {
    const demo = await startNeoSimulator();
    try {
      expect(demo.credentials).toEqual({ clientId: 'demo', clientSecret: 'demo-secret' });
      const response = await fetch(`${demo.url}/v1/ping`, { headers: { authorization: basic('demo', 'demo-secret') } });
      expect(response.status).toBe(200);
    } finally {
      await demo.stop();
    }
  });

  it('when a base path is set, then the API is served under it and the url includes it', async () => {
    const prefixed = await startNeoSimulator({ basePath: '/partner/', products: [{ code: 'x', name: 'X' }] });
    try {
      expect(prefixed.url).toMatch(/\/partner$/);
      const authorization = basic('demo', 'demo-secret');
      const response = await fetch(`${prefixed.url}/v1/products`, { headers: { authorization } });
      expect(await response.json()).toEqual({ products: [{ code: 'x', name: 'X' }] });
      const outside = await fetch(`${new URL(prefixed.url).origin}/v1/products`, { headers: { authorization } });
      expect(outside.status).toBe(404);
    } finally {
      await prefixed.stop();
    }
  });

  it('counts every request, whatever the path or the answer', async () => {
    const before = sim.requests();
    await get('ping');
    await get('products', null);
    await fetch(`${sim.url}/v2/unknown`);
    sim.setFault('http500');
    await get('products');
    expect(sim.requests() - before).toBe(4);
  });

  describe('faults', () => {
    it('http500: both endpoints answer 500', async () => {
      sim.setFault('http500');
      expect((await get('ping')).status).toBe(500);
      expect((await get('products')).status).toBe(500);
    });

    it('unauthorized: both endpoints answer 401 even with the right credentials', async () => {
      sim.setFault('unauthorized');
      expect((await get('ping')).status).toBe(401);
      expect((await get('products')).status).toBe(401);
    });

    it('malformed-json: a 200 with a JSON content type whose body does not parse', async () => {
      sim.setFault('malformed-json');
      for (const path of ['ping', 'products'] as const) {
        const response = await get(path);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
        const body = await response.text();
        expect(body.length).toBeGreaterThan(0);
        expect(() => JSON.parse(body)).toThrow(SyntaxError);
      }
    });

    it('wrong-shape: valid JSON without the expected fields', async () => {
      sim.setFault('wrong-shape');
      const ping = (await (await get('ping')).json()) as Record<string, unknown>;
      expect(ping).not.toHaveProperty('ok');
      const products = (await (await get('products')).json()) as Record<string, unknown>;
      expect(products).not.toHaveProperty('products');
    });

    it('duplicate-codes: the product list repeats a code; ping is unaffected', async () => {
      sim.setFault('duplicate-codes');
      expect(await (await get('ping')).json()).toEqual({ ok: true });
      const { products } = (await (await get('products')).json()) as { products: Array<{ code: string }> };
      const codes = products.map((p) => p.code);
      expect(new Set(codes).size).toBeLessThan(codes.length);
    });

    it('duplicate-codes with an empty catalogue still repeats a code', async () => {
      sim.setProducts([]);
      sim.setFault('duplicate-codes');
      const { products } = (await (await get('products')).json()) as { products: Array<{ code: string }> };
      expect(products.length).toBe(2);
      expect(products[0]!.code).toBe(products[1]!.code);
    });

    it('body faults still refuse bad credentials with 401', async () => {
      sim.setFault('malformed-json');
      expect((await get('products', basic('isp-1', 'nope'))).status).toBe(401);
    });

    it('timeout: no answer arrives; the client gives up by itself', async () => {
      sim.setFault('timeout');
      for (const path of ['ping', 'products'] as const) {
        const error = await get(path, auth, AbortSignal.timeout(150)).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(DOMException);
        expect((error as DOMException).name).toBe('TimeoutError');
      }
    });

    it('timeout: stop() closes the connections held open', async () => {
      const hanging = await startNeoSimulator({ fault: 'timeout' });
      const pending = fetch(`${hanging.url}/v1/ping`, { headers: { authorization: basic('demo', 'demo-secret') } }).then(
        () => 'answered',
        () => 'dropped',
      );
      while (hanging.requests() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await hanging.stop();
      expect(await pending).toBe('dropped');
    });

    it('times: the fault clears by itself after that many requests', async () => {
      sim.setFault('http500', { times: 2 });
      expect((await get('products')).status).toBe(500);
      expect((await get('ping')).status).toBe(500);
      expect((await get('products')).status).toBe(200);
    });

    it('times: a body fault is only used up by the requests it affects', async () => {
      sim.setFault('duplicate-codes', { times: 1 });
      expect((await get('ping')).status).toBe(200);
      const first = (await (await get('products')).json()) as { products: unknown[] };
      expect(first.products).toHaveLength(4);
      const second = (await (await get('products')).json()) as { products: unknown[] };
      expect(second.products).toHaveLength(3);
    });

    it('times must be a positive integer', () => {
      expect(() => sim.setFault('http500', { times: 0 })).toThrow(RangeError);
    });

    it('setFault(null) restores normal answers', async () => {
      sim.setFault('http500');
      sim.setFault(null);
      expect((await get('products')).status).toBe(200);
    });
  });
});

describe('parseProductsFile', () => {
  it('when the file holds an array of {code,name}, then it returns them without extra fields', () => {
    expect(parseProductsFile('[{"code":"mumo","name":"Mumo","extra":1}]')).toEqual([{ code: 'mumo', name: 'Mumo' }]);
  });

  it.each([
    ['not JSON', '[{', /not valid JSON/],
    ['not an array', '{"products":[]}', /JSON array/],
    ['an entry without a name', '[{"code":"mumo"}]', /products\[0\]/],
    ['an entry that is not an object', '[{"code":"a","name":"A"}, 3]', /products\[1\]/],
  ])('when the file is %s, then it throws ProductsFileError naming the problem', (_label, text, message) => {
    expect(() => parseProductsFile(text)).toThrow(ProductsFileError);
    expect(() => parseProductsFile(text)).toThrow(message);
  });
});
