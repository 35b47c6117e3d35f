import { lookup as dnsLookup } from 'node:dns/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import {
  PlatformAuthError,
  PlatformBadResponseError,
  PlatformUnreachableError,
} from './content-platform.ts';
import type { ContentPlatformClient, PlatformConnection, PlatformProduct } from './content-platform.ts';

/** NEO's product codes: the platform's own identifiers. */
export const NEO_PRODUCT_CODE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const PingResponse = z.object({ ok: z.literal(true) });

const ProductsResponse = z.object({
  products: z.array(z.object({ code: z.string(), name: z.string().trim().min(1) })),
});

/** How patient the client is. */
export interface NeoClientOptions {
  /** Per attempt, covering the answer's body too. Default 5000. */
  readonly timeoutMs?: number;
  /** Extra attempts after a network error, a timeout or a 5xx. Default 2 (3 attempts in all). */
  readonly retries?: number;
  /** Wait before the first retry; doubles on each retry, with jitter (50–100 % of it). Default 200. */
  readonly backoffMs?: number;
  /** Largest answer body read, in bytes; a longer one is cut off and refused. Default 1 MiB. */
  readonly maxResponseBytes?: number;
  /**
   * Allow a base URL whose host is, or resolves to, a loopback, link-local (cloud metadata),
   * private, carrier-grade NAT or otherwise non-public address. Off by default: an operator typing
   * a base URL must not make the catalog call into the provider's own network
   * (`CATALOG_ALLOW_PRIVATE_PLATFORM_URLS`; the embedded system's local NEO simulator needs it).
   */
  readonly allowPrivateAddresses?: boolean;
  /** The fetch implementation; defaults to the global one. */
  readonly fetch?: typeof fetch;
  /** Resolves a host name to every address it has; defaults to the system resolver (`dns.lookup`). */
  readonly lookup?: (hostname: string) => Promise<readonly string[]>;
}

/** Default of {@link NeoClientOptions.maxResponseBytes}: a product list of thousands of products fits many times over. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

const systemLookup = async (hostname: string): Promise<readonly string[]> => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Why `address` is not a public unicast address (ipaddr.js's range name: `loopback`,
 * `linkLocal`, `private`, `uniqueLocal`, `carrierGradeNat`…), or undefined when it is one.
 * IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
 */
export function nonPublicRange(address: string): string | undefined {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(address.replace(/^\[|\]$/g, ''));
  } catch {
    return 'unparsable';
  }
  const range = parsed.range();
  return range === 'unicast' ? undefined : range;
}

/**
 * A {@link ContentPlatformClient} for NEO's partner API.
 *
 * NEO's real product API is not public; this client implements a documented assumption, which
 * `tools/neo-simulator` serves for tests and demos:
 *
 * - The base URL is configured per integration (e.g. `https://api.neo.example/partner`), with the
 *   credentials NEO gives the provider, `clientId` and `clientSecret`, sent as HTTP Basic auth.
 * - `GET {base}/v1/ping` → 200 `{"ok":true}`; 401 on bad credentials. Used by `test()`.
 * - `GET {base}/v1/products` → 200 `{"products":[{"code":"mumo","name":"Mumo Música"}, ...]}`;
 *   401 on bad credentials. Codes match `^[a-z0-9][a-z0-9_-]{0,63}$` and are unique. Unknown
 *   fields are ignored.
 *
 * Failures: network errors, timeouts and 5xx are retried with exponential backoff and end as
 * {@link PlatformUnreachableError}; 401/403 end as {@link PlatformAuthError} at once; any other
 * 4xx, a body that is not JSON, of the wrong shape, or with invalid or repeated codes ends as
 * {@link PlatformBadResponseError} at once. The client secret never appears in an error.
 */
export function createNeoClient(connection: PlatformConnection, options: NeoClientOptions = {}): ContentPlatformClient {
  const timeoutMs = options.timeoutMs ?? 5000;
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 200;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);
  if (!Number.isInteger(retries) || retries < 0) throw new RangeError(`retries must be a non-negative integer, got ${retries}`);
  if (!(backoffMs >= 0)) throw new RangeError(`backoffMs must not be negative, got ${backoffMs}`);
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!Number.isInteger(maxResponseBytes) || maxResponseBytes < 1) throw new RangeError(`maxResponseBytes must be a positive integer, got ${maxResponseBytes}`);
  const allowPrivate = options.allowPrivateAddresses ?? false;
  const lookup = options.lookup ?? systemLookup;

  const fetchFn = options.fetch ?? globalThis.fetch;
  const authorization = `Basic ${Buffer.from(`${connection.clientId}:${connection.clientSecret}`, 'utf8').toString('base64')}`;

  /** GETs `{base}/{path}`, retrying what may pass, and returns the parsed JSON body. */
  const getJson = async (path: string): Promise<unknown> => {
    const url = resolveEndpoint(connection.baseUrl, path);
    const shown = `GET ${url.origin}${url.pathname}`;
    if (!allowPrivate) await refuseNonPublic(url, lookup);
    const attempts = retries + 1;

    for (let attempt = 1; ; attempt += 1) {
      const outcome = await attemptOnce(url, shown);
      if (outcome.kind === 'body') return outcome.body;
      if (attempt >= attempts) {
        const tally = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
        throw new PlatformUnreachableError(`NEO ${outcome.problem} (${shown}, ${tally})`, {
          attempts,
          cause: outcome.cause,
        });
      }
      const delay = backoffMs * 2 ** (attempt - 1);
      await sleep(delay / 2 + Math.random() * (delay / 2));
    }
  };

  const attemptOnce = async (url: URL, shown: string): Promise<Attempt> => {
    // One signal for the request and its body, so a stalled body also counts as a timeout.
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetchFn(url, { method: 'GET', headers: { authorization, accept: 'application/json' }, signal });
    } catch (error) {
      return transportFailure(error, timeoutMs);
    }

    if (response.status === 401 || response.status === 403) {
      await discard(response);
      throw new PlatformAuthError(
        `NEO rejected the credentials of client '${connection.clientId}' (HTTP ${response.status} to ${shown})`,
        { status: response.status },
      );
    }
    if (response.status >= 500) {
      await discard(response);
      return { kind: 'retry', problem: `answered HTTP ${response.status}`, cause: undefined };
    }
    if (!response.ok) {
      await discard(response);
      throw new PlatformBadResponseError(
        `NEO answered HTTP ${response.status} to ${shown}; check the integration's base URL`,
      );
    }

    let text: string;
    try {
      text = await readCapped(response, maxResponseBytes, shown);
    } catch (error) {
      if (error instanceof PlatformBadResponseError) throw error;
      return transportFailure(error, timeoutMs);
    }
    try {
      return { kind: 'body', body: JSON.parse(text) as unknown };
    } catch (error) {
      throw new PlatformBadResponseError(`NEO answered ${shown} with a body that is not valid JSON`, { cause: error });
    }
  };

  return {
    async test() {
      const body = await getJson('v1/ping');
      const parsed = PingResponse.safeParse(body);
      if (!parsed.success) {
        throw new PlatformBadResponseError(
          `NEO's ping answer has an unexpected shape: ${describeIssues(parsed.error)}`,
          { cause: parsed.error },
        );
      }
    },

    async listProducts() {
      const body = await getJson('v1/products');
      const parsed = ProductsResponse.safeParse(body);
      if (!parsed.success) {
        throw new PlatformBadResponseError(
          `NEO's product list has an unexpected shape: ${describeIssues(parsed.error)}`,
          { cause: parsed.error },
        );
      }
      const products: PlatformProduct[] = parsed.data.products.map(({ code, name }) => ({ code, name }));
      const problems = codeProblems(products);
      if (problems.length > 0) {
        throw new PlatformBadResponseError(`NEO's product list is invalid: ${problems.join('; ')}`);
      }
      return products;
    },
  };
}

type Attempt =
  | { readonly kind: 'body'; readonly body: unknown }
  | { readonly kind: 'retry'; readonly problem: string; readonly cause: unknown };

/**
 * `{base}/{path}` whether or not the base ends with `/`. A base URL that is not http(s), or that
 * carries credentials of its own, makes the platform unreachable as configured.
 */
function resolveEndpoint(baseUrl: string, path: string): URL {
  let base: URL;
  try {
    base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  } catch {
    // Neither echoed nor kept as cause: a malformed URL may still hold a password.
    throw new PlatformUnreachableError('NEO base URL is not a valid URL', { attempts: 0 });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new PlatformUnreachableError(`NEO base URL must use http or https, got '${base.protocol}'`, { attempts: 0 });
  }
  if (base.username !== '' || base.password !== '') {
    // Not echoed: the user-info part may hold a password.
    throw new PlatformUnreachableError('NEO base URL must not contain user credentials', { attempts: 0 });
  }
  return new URL(path, base);
}

/**
 * Refuse a host that is, or resolves to, a non-public address (any of its addresses: the one
 * fetch then connects to is among them). The name is resolved again when fetch connects, so a
 * resolver answering differently in between (DNS rebinding) is not covered by this check; the
 * network policy of the catalog's pods is the second wall (deploy/).
 */
async function refuseNonPublic(url: URL, lookup: (hostname: string) => Promise<readonly string[]>): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: readonly string[];
  if (ipaddr.isValid(host)) addresses = [host];
  else {
    try {
      addresses = await lookup(host);
    } catch (error) {
      throw new PlatformUnreachableError(`NEO base URL host '${host}' could not be resolved (${networkReason(error)})`, { attempts: 0, cause: error });
    }
  }
  for (const address of addresses) {
    const range = nonPublicRange(address);
    if (range !== undefined) {
      throw new PlatformUnreachableError(
        `NEO base URL host '${host}' is a non-public address (${address}, ${range}); platform URLs on loopback, link-local, private or metadata addresses are refused unless CATALOG_ALLOW_PRIVATE_PLATFORM_URLS=true`,
        { attempts: 0 },
      );
    }
  }
}

/**
 * The body as UTF-8 text, read as a stream and cut off (the rest cancelled) once it passes
 * `limit` bytes, so a platform answering without end cannot fill the catalog's memory.
 */
async function readCapped(response: Response, limit: number, shown: string): Promise<string> {
  const tooLarge = () => new PlatformBadResponseError(`NEO answered ${shown} with more than ${limit} bytes; refused`);
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await discard(response);
    throw tooLarge();
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

function transportFailure(error: unknown, timeoutMs: number): Attempt {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { kind: 'retry', problem: `did not answer within ${timeoutMs} ms`, cause: error };
  }
  return { kind: 'retry', problem: `could not be reached (${networkReason(error)})`, cause: error };
}

/** The most telling part of a fetch failure: undici wraps the system error (ECONNREFUSED…) as `cause`. */
function networkReason(error: unknown): string {
  if (error instanceof Error) {
    const cause: unknown = error.cause;
    if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') return cause.code;
    return error.message;
  }
  return String(error);
}

/** Frees the connection of an answer whose body is not read. */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/** Up to three zod issues as `path: message`, e.g. `products[1].code: Invalid input: expected string`. */
function describeIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((issue) => {
    const path = issue.path
      .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
      .join('');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  const more = error.issues.length - shown.length;
  return more > 0 ? `${shown.join('; ')} (and ${more} more)` : shown.join('; ');
}

/** Invalid and repeated codes, each named once, in list order (at most five, then a count). */
function codeProblems(products: readonly PlatformProduct[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const reported = new Set<string>();
  for (const { code } of products) {
    if (!NEO_PRODUCT_CODE.test(code) && !reported.has(code)) {
      problems.push(`product code ${quote(code)} is not valid (expected ${NEO_PRODUCT_CODE.source})`);
      reported.add(code);
    } else if (seen.has(code) && !reported.has(code)) {
      const count = products.filter((product) => product.code === code).length;
      problems.push(`product code ${quote(code)} appears ${count === 2 ? 'twice' : `${count} times`}`);
      reported.add(code);
    }
    seen.add(code);
  }
  return problems.length > 5 ? [...problems.slice(0, 5), `and ${problems.length - 5} more problems`] : problems;
}

/** A code as shown in a message: single-quoted, control characters escaped, long ones cut. */
function quote(code: string): string {
  const shown = code.length > 70 ? `${code.slice(0, 70)}…` : code;
  return `'${JSON.stringify(shown).slice(1, -1)}'`;
}
