import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_NEO_PRODUCTS, startNeoSimulator, type NeoSimulator } from '@sva/neo-simulator';
import {
  ContentPlatformError,
  PlatformAuthError,
  PlatformBadResponseError,
  PlatformUnreachableError,
} from './content-platform.ts';
import type { PlatformConnection } from './content-platform.ts';
import { createNeoClient, DEFAULT_MAX_RESPONSE_BYTES, nonPublicRange } from './neo-client.ts';
import type { NeoClientOptions } from './neo-client.ts';

const CLIENT_ID = 'isp-acme';
const SECRET = 'very-secret-value-42';

/** Fast retries so the suite does not wait on backoff; timings are never asserted. */
const fast: NeoClientOptions = { timeoutMs: 2000, retries: 2, backoffMs: 1, allowPrivateAddresses: true };

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

/** Every message in an error and its cause chain, to check the secret leaks nowhere. */
function messages(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    parts.push(String(current), current.message, current.stack ?? '');
  }
  return parts.join('\n');
}

describe('NEO client, against the NEO simulator', () => {
  let sim: NeoSimulator;
  let connection: PlatformConnection;

  beforeAll(async () => {
    sim = await startNeoSimulator({ clientId: CLIENT_ID, clientSecret: SECRET, basePath: '/partner' });
    connection = { baseUrl: sim.url, clientId: CLIENT_ID, clientSecret: SECRET };
  });
  afterAll(async () => {
    await sim.stop();
  });
  beforeEach(() => {
    sim.setFault(null);
    sim.setProducts(DEFAULT_NEO_PRODUCTS);
  });

  /** Runs `call` and returns how many requests reached the simulator meanwhile. */
  async function counting<T>(call: () => Promise<T>): Promise<{ result: T; requests: number }> {
    const before = sim.requests();
    const result = await call();
    return { result, requests: sim.requests() - before };
  }

  describe('when the credentials are right (R4)', () => {
    it('then test() resolves', async () => {
      await expect(createNeoClient(connection, fast).test()).resolves.toBeUndefined();
    });

    it('then listProducts() returns the platform products', async () => {
      expect(await createNeoClient(connection, fast).listProducts()).toEqual([
        { code: 'mumo', name: 'Mumo Música' },
        { code: 'kiddle', name: 'Kiddle Kids' },
        { code: 'leiturinha', name: 'Leiturinha' },
      ]);
    });

    it('then names are trimmed and an empty catalogue is an empty list', async () => {
      const client = createNeoClient(connection, fast);
      sim.setProducts([{ code: 'new_app-2', name: '  New App  ' }]);
      expect(await client.listProducts()).toEqual([{ code: 'new_app-2', name: 'New App' }]);
      sim.setProducts([]);
      expect(await client.listProducts()).toEqual([]);
    });

    it('then a base URL ending with / works the same', async () => {
      const client = createNeoClient({ ...connection, baseUrl: `${sim.url}/` }, fast);
      await expect(client.test()).resolves.toBeUndefined();
      expect(await client.listProducts()).toHaveLength(3);
    });

    it('then the credentials travel as HTTP Basic auth through the given fetch', async () => {
      const seen: Array<{ url: string; authorization: string | null }> = [];
      const recordingFetch: typeof fetch = async (input, init) => {
        seen.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') });
        return fetch(input, init);
      };
      await createNeoClient(connection, { ...fast, fetch: recordingFetch }).listProducts();
      expect(seen).toEqual([
        {
          url: `${sim.url}/v1/products`,
          authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64')}`,
        },
      ]);
    });
  });

  describe('when the credentials are wrong', () => {
    it('then test() and listProducts() fail with PlatformAuthError at once, without retrying', async () => {
      const client = createNeoClient({ ...connection, clientSecret: 'wrong-secret' }, fast);
      for (const call of [() => client.test(), () => client.listProducts()]) {
        const { result: error, requests } = await counting(() => failure(call()));
        expect(error).toBeInstanceOf(PlatformAuthError);
        expect(error).toMatchObject({ code: 'CATALOG_PLATFORM_CREDENTIALS_REJECTED', status: 401 });
        expect((error as Error).message).toContain(CLIENT_ID);
        expect(messages(error)).not.toContain('wrong-secret');
        expect(requests).toBe(1);
      }
    });

    it('then the platform refusing everyone is reported the same way', async () => {
      sim.setFault('unauthorized');
      const error = await failure(createNeoClient(connection, fast).test());
      expect(error).toBeInstanceOf(PlatformAuthError);
      expect(messages(error)).not.toContain(SECRET);
    });
  });

  describe('when the platform does not answer in time', () => {
    it('then each attempt times out and it ends as PlatformUnreachableError after the retries', async () => {
      sim.setFault('timeout');
      const client = createNeoClient(connection, { timeoutMs: 100, retries: 1, backoffMs: 1, allowPrivateAddresses: true });
      const { result: error, requests } = await counting(() => failure(client.listProducts()));
      expect(error).toBeInstanceOf(PlatformUnreachableError);
      expect(error).toMatchObject({ code: 'CATALOG_PLATFORM_UNREACHABLE', attempts: 2 });
      expect((error as Error).message).toMatch(/did not answer within 100 ms/);
      expect((error as Error).cause).toBeDefined();
      expect(messages(error)).not.toContain(SECRET);
      expect(requests).toBe(2);
    });
  });

  describe('when the platform answers 500', () => {
    it('then it retries and, when every attempt fails, ends as PlatformUnreachableError', async () => {
      sim.setFault('http500');
      const { result: error, requests } = await counting(() => failure(createNeoClient(connection, fast).test()));
      expect(error).toBeInstanceOf(PlatformUnreachableError);
      expect(error).toMatchObject({ code: 'CATALOG_PLATFORM_UNREACHABLE', attempts: 3 });
      expect((error as Error).message).toMatch(/HTTP 500/);
      expect(requests).toBe(3);
    });

    it('then a failure that clears before the retries run out is not seen by the caller', async () => {
      sim.setFault('http500', { times: 2 });
      const { result, requests } = await counting(() => createNeoClient(connection, fast).listProducts());
      expect(result.map((p) => p.code)).toEqual(['mumo', 'kiddle', 'leiturinha']);
      expect(requests).toBe(3);
    });

    it('then with retries: 0 it gives up after one attempt', async () => {
      sim.setFault('http500', { times: 1 });
      const client = createNeoClient(connection, { ...fast, retries: 0 });
      const { result: error, requests } = await counting(() => failure(client.listProducts()));
      expect(error).toBeInstanceOf(PlatformUnreachableError);
      expect(requests).toBe(1);
    });
  });

  describe('when nothing listens at the base URL', () => {
    it('then it ends as PlatformUnreachableError naming the network error', async () => {
      const gone = await startNeoSimulator();
      await gone.stop();
      const client = createNeoClient({ baseUrl: gone.url, clientId: 'demo', clientSecret: SECRET }, fast);
      const error = await failure(client.test());
      expect(error).toBeInstanceOf(PlatformUnreachableError);
      expect((error as Error).message).toMatch(/could not be reached \(ECONNREFUSED\)/);
      expect(messages(error)).not.toContain(SECRET);
    });
  });

  describe('when the platform answers with a bad body, it fails with PlatformBadResponseError without retrying', () => {
    it('malformed JSON', async () => {
      sim.setFault('malformed-json');
      const client = createNeoClient(connection, fast);
      for (const call of [() => client.test(), () => client.listProducts()]) {
        const { result: error, requests } = await counting(() => failure(call()));
        expect(error).toBeInstanceOf(PlatformBadResponseError);
        expect(error).toMatchObject({ code: 'CATALOG_PLATFORM_BAD_RESPONSE' });
        expect((error as Error).message).toMatch(/not valid JSON/);
        expect(requests).toBe(1);
      }
    });

    it('wrong shape', async () => {
      sim.setFault('wrong-shape');
      const client = createNeoClient(connection, fast);
      const listError = await failure(client.listProducts());
      expect(listError).toBeInstanceOf(PlatformBadResponseError);
      expect((listError as Error).message).toMatch(/unexpected shape: products:/);
      const pingError = await failure(client.test());
      expect(pingError).toBeInstanceOf(PlatformBadResponseError);
      expect((pingError as Error).message).toMatch(/ping answer has an unexpected shape: ok:/);
    });

    it('a product without a usable name', async () => {
      sim.setProducts([{ code: 'mumo', name: '   ' }]);
      const error = await failure(createNeoClient(connection, fast).listProducts());
      expect(error).toBeInstanceOf(PlatformBadResponseError);
      expect((error as Error).message).toMatch(/products\[0\]\.name/);
    });

    it('duplicated codes', async () => {
      sim.setFault('duplicate-codes');
      const error = await failure(createNeoClient(connection, fast).listProducts());
      expect(error).toBeInstanceOf(PlatformBadResponseError);
      expect((error as Error).message).toContain("product code 'mumo' appears twice");
    });

    it('invalid codes', async () => {
      sim.setProducts([
        { code: 'mumo', name: 'Mumo' },
        { code: 'Kiddle Kids', name: 'Kiddle' },
        { code: '-leading-dash', name: 'Dash' },
      ]);
      const error = await failure(createNeoClient(connection, fast).listProducts());
      expect(error).toBeInstanceOf(PlatformBadResponseError);
      expect((error as Error).message).toContain("product code 'Kiddle Kids' is not valid");
      expect((error as Error).message).toContain("product code '-leading-dash' is not valid");
      expect((error as Error).message).not.toContain("'mumo'");
    });

    it('an unexpected 4xx, such as the 404 of a wrong base path', async () => {
      const client = createNeoClient({ ...connection, baseUrl: new URL(sim.url).origin }, fast);
      const { result: error, requests } = await counting(() => failure(client.test()));
      expect(error).toBeInstanceOf(PlatformBadResponseError);
      expect((error as Error).message).toMatch(/HTTP 404.*base URL/);
      expect(requests).toBe(1);
    });
  });

  it('every failure is a ContentPlatformError with a stable code', async () => {
    sim.setFault('http500');
    const error = await failure(createNeoClient(connection, { ...fast, retries: 0 }).test());
    expect(error).toBeInstanceOf(ContentPlatformError);
    expect((error as PlatformUnreachableError).name).toBe('PlatformUnreachableError');
  });
});

describe('NEO client configuration', () => {
  it.each([
    ['not a URL', 'api.neo.example/partner', /not a valid URL/],
    ['not http(s)', 'ftp://api.neo.example/partner', /must use http or https/],
    ['carrying credentials', 'https://user:pw-in-url@api.neo.example/partner', /must not contain user credentials/],
  ])('when the base URL is %s, then calls fail with PlatformUnreachableError before any request', async (_label, baseUrl, message) => {
    let requests = 0;
    const countingFetch: typeof fetch = async () => {
      requests += 1;
      return new Response('{"ok":true}');
    };
    const client = createNeoClient({ baseUrl, clientId: 'c', clientSecret: SECRET }, { fetch: countingFetch });
    const error = await failure(client.test());
    expect(error).toBeInstanceOf(PlatformUnreachableError);
    expect((error as Error).message).toMatch(message);
    expect(messages(error)).not.toContain('pw-in-url');
    expect(requests).toBe(0);
  });

  it.each([
    [{ timeoutMs: 0 }],
    [{ retries: -1 }],
    [{ retries: 1.5 }],
    [{ backoffMs: -1 }],
  ])('when the options are %j, then createNeoClient refuses them', (options) => {
    expect(() => createNeoClient({ baseUrl: 'https://neo.example', clientId: 'c', clientSecret: 's' }, options)).toThrow(RangeError);
  });
});

describe('NEO client answer size', () => {
  const connection: PlatformConnection = { baseUrl: 'https://93.184.216.34/partner', clientId: 'c', clientSecret: SECRET };

  it('when the platform streams an answer without end, then reading stops past the limit and it fails with PlatformBadResponseError', async () => {
    let pulled = 0;
    const endless: typeof fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            pulled += 64 * 1024;
            controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
          },
        }),
      );
    const error = await failure(createNeoClient(connection, { fetch: endless, retries: 0, maxResponseBytes: 256 * 1024 }).listProducts());
    expect(error).toBeInstanceOf(PlatformBadResponseError);
    expect((error as Error).message).toMatch(/more than 262144 bytes/);
    // Cut off near the limit, not read to the end (there is none).
    expect(pulled).toBeLessThan(1024 * 1024);
  });

  it('when the platform declares a body longer than the limit, then it is refused without reading it', async () => {
    const big: typeof fetch = async () => new Response('{"ok":true}', { headers: { 'content-length': String(DEFAULT_MAX_RESPONSE_BYTES + 1) } });
    const error = await failure(createNeoClient(connection, { fetch: big, retries: 0 }).test());
    expect(error).toBeInstanceOf(PlatformBadResponseError);
  });

  it('when the answer is within the limit, then it is read whole', async () => {
    const products = Array.from({ length: 2000 }, (_, i) => ({ code: `p${i}`, name: `Product ${i}` }));
    const ok: typeof fetch = async () => new Response(JSON.stringify({ products }));
    expect(await createNeoClient(connection, { fetch: ok, retries: 0 }).listProducts()).toHaveLength(2000);
  });
});

describe('NEO client base URL addresses (no calls into the provider\'s own network)', () => {
  const answering = () => {
    const calls: string[] = [];
    const fetchFn: typeof fetch = async (input) => {
      calls.push(String(input));
      return new Response('{"ok":true}');
    };
    return { calls, fetchFn };
  };

  it.each([
    ['loopback', 'http://127.0.0.1:8080/partner'],
    ['IPv6 loopback', 'http://[::1]/partner'],
    ['cloud metadata (link-local)', 'http://169.254.169.254/latest'],
    ['private', 'http://10.0.0.5/partner'],
    ['private, IPv4-mapped IPv6', 'http://[::ffff:192.168.1.1]/partner'],
    ['IPv6 unique local (metadata of some clouds)', 'http://[fd00:ec2::254]/partner'],
    ['carrier-grade NAT', 'http://100.100.100.200/partner'],
    ['unspecified', 'http://0.0.0.0/partner'],
  ])('when the base URL is on a %s address, then calls fail with PlatformUnreachableError before any request', async (_label, baseUrl) => {
    const { calls, fetchFn } = answering();
    const error = await failure(createNeoClient({ baseUrl, clientId: 'c', clientSecret: SECRET }, { fetch: fetchFn }).test());
    expect(error).toBeInstanceOf(PlatformUnreachableError);
    expect((error as Error).message).toMatch(/non-public address.*CATALOG_ALLOW_PRIVATE_PLATFORM_URLS/);
    expect(calls).toEqual([]);
  });

  it('when a host name resolves to a private address among public ones, then it is refused', async () => {
    const { calls, fetchFn } = answering();
    const lookup = async () => ['93.184.216.34', '10.1.2.3'];
    const error = await failure(createNeoClient({ baseUrl: 'https://neo.example/partner', clientId: 'c', clientSecret: SECRET }, { fetch: fetchFn, lookup }).test());
    expect(error).toBeInstanceOf(PlatformUnreachableError);
    expect((error as Error).message).toContain('10.1.2.3');
    expect(calls).toEqual([]);
  });

  it('when a host name resolves to public addresses only, then the call is made', async () => {
    const { calls, fetchFn } = answering();
    const lookup = async () => ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'];
    await createNeoClient({ baseUrl: 'https://neo.example/partner', clientId: 'c', clientSecret: SECRET }, { fetch: fetchFn, lookup }).test();
    expect(calls).toEqual(['https://neo.example/partner/v1/ping']);
  });

  it('when the host name does not resolve, then it fails with PlatformUnreachableError', async () => {
    const lookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    const error = await failure(createNeoClient({ baseUrl: 'https://neo.invalid/partner', clientId: 'c', clientSecret: SECRET }, { lookup }).test());
    expect(error).toBeInstanceOf(PlatformUnreachableError);
  });

  it('when private addresses are allowed (the embedded simulator), then a loopback base URL is called', async () => {
    const { calls, fetchFn } = answering();
    await createNeoClient({ baseUrl: 'http://127.0.0.1:8080/partner', clientId: 'c', clientSecret: SECRET }, { fetch: fetchFn, allowPrivateAddresses: true }).test();
    expect(calls).toHaveLength(1);
  });

  it('classifies addresses: public unicast passes, the rest is named by range', () => {
    expect(nonPublicRange('8.8.8.8')).toBeUndefined();
    expect(nonPublicRange('::ffff:8.8.8.8')).toBeUndefined();
    expect(nonPublicRange('169.254.169.254')).toBe('linkLocal');
    expect(nonPublicRange('fe80::1')).toBe('linkLocal');
    expect(nonPublicRange('not-an-address')).toBe('unparsable');
  });
});
