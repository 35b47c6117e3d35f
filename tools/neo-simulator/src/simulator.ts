import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** A product as NEO lists it: `code` is the platform's own identifier, `name` is for people. */
export interface NeoProduct {
  readonly code: string;
  readonly name: string;
}

/** Client credentials NEO hands to a provider; sent as HTTP Basic auth. */
export interface NeoCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * A misbehaviour the simulator can be told to show, on both endpoints:
 * - `timeout`: never answers (the connection stays open until the simulator stops);
 * - `http500`: answers 500;
 * - `unauthorized`: answers 401 whatever the credentials;
 * - `malformed-json`: answers 200 with `content-type: application/json` and a truncated body;
 * - `wrong-shape`: answers 200 with valid JSON of the wrong shape;
 * - `duplicate-codes`: the product list repeats a product code (the ping answers normally).
 *
 * `timeout`, `http500` and `unauthorized` stand in for the whole answer and apply before the
 * credentials are checked; the body faults (`malformed-json`, `wrong-shape`, `duplicate-codes`)
 * corrupt an otherwise successful answer, so bad credentials still get a 401.
 */
export type NeoFault = 'timeout' | 'http500' | 'malformed-json' | 'wrong-shape' | 'duplicate-codes' | 'unauthorized';

/** Every fault name, for argument parsing and validation. */
export const NEO_FAULTS: readonly NeoFault[] = [
  'timeout',
  'http500',
  'malformed-json',
  'wrong-shape',
  'duplicate-codes',
  'unauthorized',
];

/** How long a fault lasts. */
export interface NeoFaultOptions {
  /**
   * Number of requests the fault affects before it clears by itself (e.g. `1` for a 500 that
   * recovers on the next try). Unset: it lasts until `setFault(null)`.
   */
  readonly times?: number;
}

export interface NeoSimulatorOptions {
  /** TCP port; `0` (the default) picks a free one. */
  readonly port?: number;
  /** Interface to listen on; defaults to `127.0.0.1`. */
  readonly host?: string;
  /**
   * Path prefix the API is served under, like the `/partner` in `https://api.neo.example/partner`.
   * Defaults to none. The simulator's `url` includes it.
   */
  readonly basePath?: string;
  /** Products served by `GET /v1/products`; defaults to {@link DEFAULT_NEO_PRODUCTS}. */
  readonly products?: readonly NeoProduct[];
  /** Defaults to `demo`. */
  readonly clientId?: string;
  /** Defaults to `demo-secret`. */
  readonly clientSecret?: string;
  /** A fault active from the start (see {@link NeoFault}); defaults to none. */
  readonly fault?: NeoFault | null;
  /** Log each request as JSON lines on stdout (fastify's logger). Defaults to off. */
  readonly logger?: boolean;
}

/** A running simulator. */
export interface NeoSimulator {
  /** Base URL to configure in an integration, e.g. `http://127.0.0.1:4010` (plus `basePath`). */
  readonly url: string;
  /** The credentials the simulator accepts. */
  readonly credentials: NeoCredentials;
  /**
   * Replaces the served product list. Codes are served as given, without validation, so that
   * clients can be tested against invalid codes too.
   */
  setProducts(products: readonly NeoProduct[]): void;
  /** Sets (or clears, with `null`) the active fault. */
  setFault(fault: NeoFault | null, options?: NeoFaultOptions): void;
  /** Number of HTTP requests received since start, whatever their path or answer. */
  requests(): number;
  /** Stops listening and drops every open connection, including those a `timeout` holds. */
  stop(): Promise<void>;
}

/** The products served when none are given. */
export const DEFAULT_NEO_PRODUCTS: readonly NeoProduct[] = [
  { code: 'mumo', name: 'Mumo Música' },
  { code: 'kiddle', name: 'Kiddle Kids' },
  { code: 'leiturinha', name: 'Leiturinha' },
];

const DEFAULT_CLIENT_ID = 'demo';
const DEFAULT_CLIENT_SECRET = 'demo-secret';

/**
 * Starts an HTTP server that serves the assumed NEO partner API (see this package's README):
 *
 * - `GET {url}/v1/ping` → 200 `{"ok":true}`, 401 on bad credentials;
 * - `GET {url}/v1/products` → 200 `{"products":[{"code","name"}, ...]}`, 401 on bad credentials.
 *
 * Credentials are checked as HTTP Basic auth (`clientId:clientSecret`). Faults can be switched
 * on at any time to exercise a client's error handling.
 */
export async function startNeoSimulator(options: NeoSimulatorOptions = {}): Promise<NeoSimulator> {
  const credentials: NeoCredentials = {
    clientId: options.clientId ?? DEFAULT_CLIENT_ID,
    clientSecret: options.clientSecret ?? DEFAULT_CLIENT_SECRET,
  };
  const basePath = normaliseBasePath(options.basePath ?? '');
  const expectedAuthorization = digest(
    `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`, 'utf8').toString('base64')}`,
  );

  let products: NeoProduct[] = [...(options.products ?? DEFAULT_NEO_PRODUCTS)];
  let fault: NeoFault | null = options.fault ?? null;
  let faultRemaining: number | null = null;
  let requestCount = 0;

  /** Returns the active fault if it is one of `kinds`, using up one of its `times`. */
  const takeFault = (kinds: readonly NeoFault[]): NeoFault | null => {
    if (fault === null || !kinds.includes(fault)) return null;
    const taken = fault;
    if (faultRemaining !== null) {
      faultRemaining -= 1;
      if (faultRemaining <= 0) {
        fault = null;
        faultRemaining = null;
      }
    }
    return taken;
  };

  const authorised = (request: FastifyRequest): boolean => {
    const header = request.headers.authorization;
    // Comparing digests keeps the comparison constant-time whatever the header's length.
    return header !== undefined && timingSafeEqual(digest(header), expectedAuthorization);
  };

  /**
   * The common part of both endpoints: applies the transport faults and checks the credentials.
   * Returns the reply when it has answered, `null` to carry on.
   */
  const guard = (request: FastifyRequest, reply: FastifyReply): FastifyReply | null => {
    const transportFault = takeFault(['timeout', 'http500', 'unauthorized']);
    if (transportFault === 'timeout') {
      // Hijacked and never written to: the client waits until it gives up or the simulator stops.
      reply.hijack();
      return reply;
    }
    if (transportFault === 'http500') {
      return reply.code(500).send({ error: 'internal_error', message: 'simulated failure' });
    }
    if (transportFault === 'unauthorized' || !authorised(request)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Basic realm="neo", charset="UTF-8"')
        .send({ error: 'unauthorized', message: 'invalid client credentials' });
    }
    return null;
  };

  const sendTruncatedJson = (reply: FastifyReply, body: unknown): FastifyReply => {
    const json = JSON.stringify(body);
    return reply
      .code(200)
      .header('content-type', 'application/json; charset=utf-8')
      .send(json.slice(0, Math.max(1, Math.floor(json.length / 2))));
  };

  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true });
  app.addHook('onRequest', async () => {
    requestCount += 1;
  });

  app.get(`${basePath}/v1/ping`, async (request, reply) => {
    const answered = guard(request, reply);
    if (answered) return answered;
    switch (takeFault(['malformed-json', 'wrong-shape'])) {
      case 'malformed-json':
        return sendTruncatedJson(reply, { ok: true });
      case 'wrong-shape':
        return reply.send({ status: 'up' });
      default:
        return reply.send({ ok: true });
    }
  });

  app.get(`${basePath}/v1/products`, async (request, reply) => {
    const answered = guard(request, reply);
    if (answered) return answered;
    const served = products.map(({ code, name }) => ({ code, name }));
    switch (takeFault(['malformed-json', 'wrong-shape', 'duplicate-codes'])) {
      case 'malformed-json':
        return sendTruncatedJson(reply, { products: served });
      case 'wrong-shape':
        return reply.send({ items: served.map(({ code, name }) => ({ id: code, title: name })) });
      case 'duplicate-codes': {
        // With an empty list there is nothing to repeat, so a stand-in product is served twice.
        const first = served[0] ?? { code: 'mumo', name: 'Mumo Música' };
        if (served.length === 0) served.push(first);
        return reply.send({ products: [...served, { code: first.code, name: `${first.name} (again)` }] });
      }
      default:
        return reply.send({ products: served });
    }
  });

  controlRoutes(app, {
    products: () => products,
    setProducts: (next) => {
      products = next;
    },
    setFault: (next, times) => {
      fault = next;
      faultRemaining = next === null ? null : times;
    },
    fault: () => ({ fault, remaining: faultRemaining }),
  });

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address() as AddressInfo;

  return {
    url: `http://${urlHost(address.address)}:${address.port}${basePath}`,
    credentials,
    setProducts(next) {
      products = [...next];
    },
    setFault(next, faultOptions = {}) {
      if (faultOptions.times !== undefined && (!Number.isInteger(faultOptions.times) || faultOptions.times < 1)) {
        throw new RangeError(`fault times must be a positive integer, got ${faultOptions.times}`);
      }
      fault = next;
      faultRemaining = next === null ? null : (faultOptions.times ?? null);
    },
    requests: () => requestCount,
    stop: async () => {
      await app.close();
    },
  };
}

/** Names the control API accepts for the next failure: NEO's faults, and the plain words for three of them. */
const FAILURE_ALIASES: Readonly<Record<string, NeoFault>> = { 'bad-credentials': 'unauthorized', garbage: 'malformed-json' };

interface ControlState {
  products(): NeoProduct[];
  setProducts(next: NeoProduct[]): void;
  setFault(next: NeoFault | null, times: number | null): void;
  fault(): { fault: NeoFault | null; remaining: number | null };
}

const ProductBody = {
  type: 'object',
  required: ['code', 'name'],
  additionalProperties: false,
  properties: { code: { type: 'string', minLength: 1, maxLength: 64 }, name: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

/**
 * The control API (`/control/v1/…`, outside the base path, no credentials: the simulator is a
 * local tool): change the product list while running, and make the next test (ping) or sync
 * (products) fail in a chosen way. See the README.
 */
function controlRoutes(app: FastifyInstance, state: ControlState): void {
  const notFound = (reply: FastifyReply, code: string) => reply.code(404).send({ error: 'not_found', message: `no product ${code}` });
  app.get('/control/v1/products', async () => ({ products: state.products() }));
  app.post<{ Body: NeoProduct }>('/control/v1/products', { schema: { body: ProductBody } }, async (request, reply) => {
    if (state.products().some((p) => p.code === request.body.code)) return reply.code(409).send({ error: 'conflict', message: `product ${request.body.code} exists` });
    state.setProducts([...state.products(), { code: request.body.code, name: request.body.name }]);
    return reply.code(201).send({ products: state.products() });
  });
  app.put<{ Params: { code: string }; Body: { name: string } }>(
    '/control/v1/products/:code',
    { schema: { body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: ProductBody.properties.name } } } },
    async (request, reply) => {
      const { code } = request.params;
      if (!state.products().some((p) => p.code === code)) return notFound(reply, code);
      state.setProducts(state.products().map((p) => (p.code === code ? { code, name: request.body.name } : p)));
      return { products: state.products() };
    },
  );
  app.delete<{ Params: { code: string } }>('/control/v1/products/:code', async (request, reply) => {
    const { code } = request.params;
    if (!state.products().some((p) => p.code === code)) return notFound(reply, code);
    state.setProducts(state.products().filter((p) => p.code !== code));
    return { products: state.products() };
  });
  app.get('/control/v1/failure', async () => state.fault());
  app.put<{ Body: { fault: string; times?: number } }>(
    '/control/v1/failure',
    {
      schema: {
        body: {
          type: 'object',
          required: ['fault'],
          additionalProperties: false,
          properties: { fault: { type: 'string', enum: [...NEO_FAULTS, ...Object.keys(FAILURE_ALIASES)] }, times: { type: 'integer', minimum: 1, maximum: 1000 } },
        },
      },
    },
    async (request) => {
      const fault = FAILURE_ALIASES[request.body.fault] ?? (request.body.fault as NeoFault);
      state.setFault(fault, request.body.times ?? 1);
      return state.fault();
    },
  );
  app.delete('/control/v1/failure', async () => {
    state.setFault(null, null);
    return state.fault();
  });
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** `partner`, `/partner/` and `/partner` all become `/partner`; empty stays empty. */
function normaliseBasePath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}

/** The host to put in the simulator's URL: a wildcard address is reached through loopback. */
function urlHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}
