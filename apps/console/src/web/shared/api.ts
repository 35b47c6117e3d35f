import createClient, { type Middleware } from 'openapi-fetch';
import type { paths as BillingPaths } from '../../api/billing.d.ts';
import type { paths as CatalogPaths } from '../../api/catalog.d.ts';
import type { paths as SubscriptionsPaths } from '../../api/subscriptions.d.ts';

/** An RFC 9457 answer from the console or a service. */
export interface Problem {
  readonly status: number;
  readonly code: string;
  readonly title?: string;
  readonly detail?: string;
  readonly rule?: string;
  readonly errors?: ReadonlyArray<{ readonly path: string; readonly message: string; readonly rule?: string }>;
}

/** Thrown by {@link unwrap} so the query library and forms see the problem document. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.code);
  }
}

let csrfToken = '';
/** Set after login (and on reload, from `GET /api/session`): sent on every change. */
export const setCsrfToken = (token: string) => {
  csrfToken = token;
};

const csrf: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
};

let language = 'pt-BR';
/** The operator's chosen language: the services answer field messages and explanations in it. */
export const setApiLanguage = (locale: string) => {
  language = locale;
};

const acceptLanguage: Middleware = {
  onRequest({ request }) {
    request.headers.set('accept-language', language);
    return request;
  },
};

function client<P extends object>(service: string) {
  const c = createClient<P>({ baseUrl: `/api/${service}`, credentials: 'same-origin' });
  c.use(csrf);
  c.use(acceptLanguage);
  return c;
}

/** Typed clients generated from the services' OpenAPI documents, through the console's forwarder. */
export const catalog = client<CatalogPaths>('catalog');
export const subscriptions = client<SubscriptionsPaths>('subscriptions');
export const billing = client<BillingPaths>('billing');

/** The data of an openapi-fetch answer, or a {@link ProblemError}. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw new ProblemError(asProblem(error, response.status));
  return data as T;
}

function asProblem(error: unknown, status: number): Problem {
  if (error && typeof error === 'object' && 'code' in error) return error as Problem;
  return { status, code: `HTTP_${status}` };
}

/** The console's own endpoints (session, accounts). */
export async function consoleCall<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(method !== 'GET' && csrfToken ? { 'x-csrf-token': csrfToken } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 204) return undefined as T;
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new ProblemError(asProblem(json, response.status));
  return json as T;
}
