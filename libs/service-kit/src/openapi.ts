/**
 * The parts of every service's OpenAPI document that are the same everywhere, added once here
 * rather than copied per route: operation ids, the problem+json error responses, security schemes,
 * top-level tags, license and contact. `finishOpenApiDocument` runs on the document
 * `@fastify/swagger` builds from the routes (its `transformObject` hook).
 */

/** What a service says about its document beyond its routes. */
export interface OpenApiOptions {
  /** Descriptions of the tags its routes use (`{ packages: 'Packages (R5)…' }`). */
  readonly tags?: Readonly<Record<string, string>>;
  /** Base URLs the API is served at. Default: the same origin as the document (`/`). */
  readonly servers?: ReadonlyArray<{ readonly url: string; readonly description?: string }>;
  /** Whether `/v1` operations need the operator API key (Bearer or X-Api-Key). */
  readonly apiKeyRequired: boolean;
  /** Whether `/v1` operations are rate limited (429 + Retry-After). */
  readonly rateLimited: boolean;
}

export const BEARER_SCHEME = 'bearerAuth';
export const API_KEY_SCHEME = 'apiKeyHeader';

const problemSchema = {
  type: 'object',
  description: 'An RFC 9457 problem document. `code` is stable (`<SERVICE>_<WHAT>`); switch on it, not on `detail`.',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', description: 'A URN naming the code: `urn:sva:problem:<code>`.' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 100, maximum: 599 },
    code: { type: 'string', description: 'Stable error code, e.g. `HTTP_VALIDATION_FAILED`, `CATALOG_STALE_VERSION`.' },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The request id; quote it when reporting a problem.' },
    rule: { type: 'string', description: 'The business rule refused (`R5`), for 422.' },
    errors: {
      type: 'array',
      description: 'Field-level problems: which field (`body.priceCents`, `querystring.cursor`) and why.',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' }, rule: { type: 'string' } },
      },
    },
  },
};

const retryAfter = {
  description: 'Seconds to wait before trying again.',
  schema: { type: 'integer', minimum: 0 },
};

const problemContent = (schemaRef = '#/components/schemas/Problem') => ({ 'application/problem+json': { schema: { $ref: schemaRef } } });

/** The shared error responses, by name. */
export const problemResponses = {
  BadRequest: {
    description: 'Malformed request (`HTTP_VALIDATION_FAILED`, `HTTP_…`): `errors[]` lists each offending field.',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ValidationProblem' } } },
  },
  Unauthorized: {
    description: 'No valid API key (`HTTP_UNAUTHENTICATED`): send `Authorization: Bearer <key>` or `X-Api-Key: <key>`.',
    headers: { 'WWW-Authenticate': { description: 'The accepted scheme: `Bearer`.', schema: { type: 'string' } } },
    content: problemContent(),
  },
  Forbidden: { description: 'The credentials do not allow this operation.', content: problemContent() },
  NotFound: { description: 'No such resource, or no route (`HTTP_ROUTE_NOT_FOUND`).', content: problemContent() },
  Conflict: { description: 'The resource changed meanwhile or the state does not allow it (e.g. `*_STALE_VERSION`): reload and retry.', content: problemContent() },
  ContentTooLarge: { description: 'The body is larger than the service accepts (`HTTP_BODY_TOO_LARGE`).', content: problemContent() },
  UnsupportedMediaType: { description: 'The body is not `application/json` (`HTTP_CTP_INVALID_MEDIA_TYPE`).', content: problemContent() },
  UnprocessableContent: { description: 'Well-formed but refused by a business rule (`rule` names it, `errors[]` the fields).', content: problemContent() },
  TooManyRequests: {
    description: 'Too many requests, or too many failed authentications, from this client (`HTTP_RATE_LIMITED`, `HTTP_TOO_MANY_FAILED_AUTHENTICATIONS`).',
    headers: { 'Retry-After': retryAfter },
    content: problemContent(),
  },
  BadGateway: {
    description: 'A system this operation calls (e.g. the content platform) failed or answered something unusable; `code` says which (`*_PLATFORM_*`).',
    content: problemContent(),
  },
  ServiceUnavailable: {
    description: 'Overloaded or not ready (`HTTP_OVERLOADED`, `*_NOT_READY`, `*_UNAVAILABLE`): retry after `Retry-After` seconds.',
    headers: { 'Retry-After': retryAfter },
    content: problemContent(),
  },
} as const;

const statusResponse: Record<string, keyof typeof problemResponses> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'ContentTooLarge',
  415: 'UnsupportedMediaType',
  422: 'UnprocessableContent',
  429: 'TooManyRequests',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const WRITES = new Set(['put', 'post', 'patch', 'delete']);

/**
 * A stable camelCase operation id from the method and the path: `GET /v1/packages/{id}` →
 * `getPackagesById`, `POST /v1/invoice-facts` → `postInvoiceFacts`. The version prefix is left out.
 */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((segment) => segment !== '' && !/^v\d+$/.test(segment))
    .flatMap((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      return param ? ['by', ...param[1]!.split(/[^A-Za-z0-9]+/)] : segment.split(/[^A-Za-z0-9]+/);
    })
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((word) => word[0]!.toUpperCase() + word.slice(1))].join('');
}

/** A loosely typed piece of the JSON document. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is untyped JSON built by @fastify/swagger
type Json = Record<string, any>;

const isProblemLike = (schema: Json | undefined): boolean =>
  !!schema && typeof schema === 'object' && !!schema.properties && 'code' in schema.properties && 'status' in schema.properties;

/** Complete a document built from the routes; see the module comment. */
export function finishOpenApiDocument(document: Json, options: OpenApiOptions): Json {
  const paths: Json = document.paths ?? {};
  const usedTags = new Set<string>();
  const usedResponses = new Set<string>();
  for (const [path, item] of Object.entries(paths) as Array<[string, Json]>) {
    for (const method of METHODS) {
      const operation: Json | undefined = item[method];
      if (!operation) continue;
      operation.operationId ??= operationIdOf(method, path);
      operation.summary ??= `${method.toUpperCase()} ${path}`;
      operation.description ??= operation.summary;
      for (const tag of operation.tags ?? []) usedTags.add(tag);
      const versioned = path === '/v1' || path.startsWith('/v1/');
      if (!versioned || !options.apiKeyRequired) operation.security ??= [];
      const responses: Json = (operation.responses ??= {});
      // Error answers are problem+json whatever a route declared (and `$ref` the shared schema).
      for (const [status, response] of Object.entries(responses) as Array<[string, Json]>) {
        if (Number(status) < 400 || !response?.content) continue;
        const json = response.content['application/json'];
        if (json && isProblemLike(json.schema)) {
          delete response.content['application/json'];
          response.content['application/problem+json'] = { schema: { $ref: `#/components/schemas/${status === '400' ? 'ValidationProblem' : 'Problem'}` } };
        }
        if (status === '429' || status === '503') response.headers ??= { 'Retry-After': retryAfter };
      }
      const applies: string[] = ['400', '503'];
      if (/\{[^}]+\}/.test(path)) applies.push('404');
      if (operation.requestBody) applies.push('413', '415');
      if (WRITES.has(method) && versioned && options.apiKeyRequired) applies.push('409', '422');
      if (versioned && options.apiKeyRequired) applies.push('401', '429');
      else if (versioned && options.rateLimited) applies.push('429');
      // A route that calls another system says so with `'x-upstream': true` in its schema: 502 when it fails.
      if (operation['x-upstream'] === true) applies.push('502');
      for (const status of applies) responses[status] ??= { $ref: `#/components/responses/${statusResponse[status]}` };
      for (const response of Object.values(responses) as Json[]) {
        const ref = typeof response?.$ref === 'string' ? /^#\/components\/responses\/(.+)$/.exec(response.$ref) : null;
        if (ref) usedResponses.add(ref[1]!);
      }
    }
  }
  const components: Json = (document.components ??= {});
  components.schemas = {
    ...components.schemas,
    Problem: problemSchema,
    ValidationProblem: { ...problemSchema, required: [...problemSchema.required, 'errors'] },
  };
  // Only the shared responses some operation uses: linters flag unused components.
  components.responses = {
    ...components.responses,
    ...Object.fromEntries(Object.entries(problemResponses).filter(([name]) => usedResponses.has(name))),
  };
  if (options.apiKeyRequired) {
    components.securitySchemes = {
      ...components.securitySchemes,
      [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', description: 'The operator API key: `Authorization: Bearer <key>`.' },
      [API_KEY_SCHEME]: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'The same operator API key, as `X-Api-Key: <key>`.' },
    };
    document.security = [{ [BEARER_SCHEME]: [] }, { [API_KEY_SCHEME]: [] }];
  }
  const described: Record<string, string> = { operations: 'Probes and this document: no credentials needed.', ...options.tags };
  document.tags = [...new Set([...usedTags, ...Object.keys(described)])].sort().map((name) => ({ name, description: described[name] ?? name }));
  document.servers = options.servers?.map((server) => ({ ...server })) ?? [{ url: '/', description: 'This service, on the origin that served this document.' }];
  return document;
}
