import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNeoSimulator, type NeoSimulator } from '../src/index.ts';

describe('control API (/control/v1)', () => {
  let neo: NeoSimulator;
  const root = () => neo.url.replace(/\/partner$/, '');
  const auth = { authorization: `Basic ${Buffer.from('demo:demo-secret').toString('base64')}` };
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${root()}/control/v1${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json()) as any };
  };
  const served = async () => ((await (await fetch(`${neo.url}/v1/products`, { headers: auth })).json()) as any).products;

  beforeAll(async () => {
    neo = await startNeoSimulator({ basePath: '/partner', products: [{ code: 'mumo', name: 'Mumo Música' }] });
  });
  afterAll(() => neo.stop());

  it('lists, adds, renames and removes products while running; NEO serves the list as changed', async () => {
    expect((await control('GET', '/products')).body.products).toEqual([{ code: 'mumo', name: 'Mumo Música' }]);
    expect((await control('POST', '/products', { code: 'kiddle', name: 'Kiddle' })).status).toBe(201);
    expect((await control('POST', '/products', { code: 'kiddle', name: 'again' })).status).toBe(409);
    expect((await control('POST', '/products', { code: '' })).status).toBe(400);
    expect((await control('PUT', '/products/kiddle', { name: 'Kiddle Kids' })).status).toBe(200);
    expect((await control('DELETE', '/products/mumo')).status).toBe(200);
    expect((await control('DELETE', '/products/mumo')).status).toBe(404);
    expect(await served()).toEqual([{ code: 'kiddle', name: 'Kiddle Kids' }]);
  });

  it('makes the next test or sync fail as chosen (timeout, bad credentials, garbage), then recovers', async () => {
    expect((await control('PUT', '/failure', { fault: 'bad-credentials' })).body).toEqual({ fault: 'unauthorized', remaining: 1 });
    expect((await fetch(`${neo.url}/v1/ping`, { headers: auth })).status).toBe(401);
    expect((await fetch(`${neo.url}/v1/ping`, { headers: auth })).status).toBe(200);

    await control('PUT', '/failure', { fault: 'garbage' });
    const garbage = await fetch(`${neo.url}/v1/products`, { headers: auth });
    await expect(garbage.json()).rejects.toThrow();
    expect(await served()).toHaveLength(1);

    await control('PUT', '/failure', { fault: 'timeout', times: 2 });
    await expect(fetch(`${neo.url}/v1/ping`, { headers: auth, signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect((await control('DELETE', '/failure')).body).toEqual({ fault: null, remaining: null });
    expect((await fetch(`${neo.url}/v1/ping`, { headers: auth })).status).toBe(200);
    expect((await control('PUT', '/failure', { fault: 'nonsense' })).status).toBe(400);
  });
});
