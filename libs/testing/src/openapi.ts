import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';

/**
 * Contract and fuzz testing driven by a service's served OpenAPI document (`/openapi.json`):
 * `contractChecker` says whether a response matches what its operation documents (status, media
 * type, body schema); `operationRequests` generates requests for every operation from its
 * parameter and body schemas, valid-shaped and malformed.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is untyped JSON
type Json = Record<string, any>;

/** An OpenAPI 3.1 document as served. */
export type OpenApiDocument = Json;

/** A response as a test saw it. */
export interface ObservedResponse {
  readonly method: string;
  /** The matched route pattern (`/v1/packages/:id`, fastify's form, or `{id}`); undefined when no route matched. */
  readonly route: string | undefined;
  readonly status: number;
  readonly contentType: string | undefined;
  /** The body as text ('' when empty). */
  readonly body: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const resolve = (document: Json, node: Json | undefined): Json | undefined => {
  let current = node;
  for (let hops = 0; current && typeof current.$ref === 'string' && hops < 10; hops += 1) {
    current = current.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<Json | undefined>((at, key: string) => at?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], document);
  }
  return current;
};

/** Rewrite local refs so that they point into the document registered as `openapi`. */
const anchored = (schema: unknown): unknown => {
  if (Array.isArray(schema)) return schema.map(anchored);
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema as Json).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `openapi${value}` : anchored(value)]),
  );
};

/** The OpenAPI path of a fastify route pattern: `/v1/x/:id` → `/v1/x/{id}`. */
export const openApiPath = (route: string): string => route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * Checks observed responses against the document: the status is documented for the operation (or
 * `default`), the media type is one the response lists, and the JSON body validates against its
 * schema. Responses no route matched must be problem+json. Returns the mismatches as messages.
 */
export function contractChecker(document: OpenApiDocument): (response: ObservedResponse) => string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', components: anchored(document.components ?? {}) as Json });
  const validators = new Map<string, ValidateFunction>();
  return (response) => {
    const where = `${response.method} ${response.route ?? '(no route)'} → ${response.status}`;
    const mediaType = response.contentType?.split(';')[0]?.trim();
    if (response.route === undefined) {
      return response.status >= 400 && mediaType !== 'application/problem+json' ? [`${where}: error without problem+json (${mediaType})`] : [];
    }
    const operation: Json | undefined = document.paths?.[openApiPath(response.route)]?.[response.method.toLowerCase()];
    if (!operation) {
      if (response.method === 'HEAD' || response.method === 'OPTIONS') return [];
      // A hidden catch-all route (the gateway's `/v1/callback/*` → 404) answers like "no route".
      if (response.status >= 400) return mediaType === 'application/problem+json' ? [] : [`${where}: error without problem+json (${mediaType})`];
      return [`${where}: operation not documented`];
    }
    const documented = resolve(document, operation.responses?.[String(response.status)] ?? operation.responses?.default);
    if (!documented) return [`${where}: status not documented (documented: ${Object.keys(operation.responses ?? {}).join(', ')})`];
    const content: Json | undefined = documented.content;
    if (!content || Object.keys(content).length === 0) return response.body === '' ? [] : [`${where}: body sent where none is documented`];
    if (response.body === '' && response.method === 'HEAD') return [];
    const media = mediaType && content[mediaType];
    if (!media) return [`${where}: media type ${mediaType} not documented (documented: ${Object.keys(content).join(', ')})`];
    if (!media.schema) return [];
    const key = `${response.route} ${response.method} ${response.status} ${mediaType}`;
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile(anchored(media.schema) as Json);
      validators.set(key, validate);
    }
    let body: unknown = response.body;
    // JSON media types are parsed and checked; any other (text/csv, application/x-ndjson) is a string body.
    if (/^application\/([\w.-]+\+)?json$/.test(mediaType ?? '')) {
      try {
        body = JSON.parse(response.body);
      } catch {
        return [`${where}: body is not JSON`];
      }
    }
    if (validate(body)) return [];
    return [`${where}: body does not match its schema: ${ajv.errorsText(validate.errors)} — ${response.body.slice(0, 300)}`];
  };
}

/** A request built from an operation. */
export interface GeneratedRequest {
  readonly operationId: string;
  readonly method: string;
  readonly url: string;
  readonly body?: string;
  readonly contentType?: string;
}

/** Values a schema accepts (approximately: enough for inputs that pass validation often). */
export function arbitraryFor(document: OpenApiDocument, node: Json | undefined, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(document, node);
  if (!schema || depth > 5) return fc.jsonValue({ maxDepth: 1 });
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const alternatives: Json[] | undefined = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((alternative) => arbitraryFor(document, alternative, depth + 1)));
  if (schema.allOf?.length) return arbitraryFor(document, schema.allOf[0], depth + 1);
  if (Array.isArray(schema.type)) return fc.oneof(...(schema.type as string[]).map((type) => arbitraryFor(document, { ...schema, type }, depth + 1)));
  switch (schema.type) {
    case 'string':
      return stringFor(schema);
    case 'integer': {
      const min = Math.max(Number.MIN_SAFE_INTEGER, Math.ceil(schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1_000_000)));
      const max = Math.min(Number.MAX_SAFE_INTEGER, Math.floor(schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1_000_000)));
      return min <= max ? fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max)) : fc.integer();
    }
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(arbitraryFor(document, schema.items, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 4, 4)) });
    case 'object':
    default: {
      const properties: Json = schema.properties ?? {};
      if (Object.keys(properties).length === 0) return schema.type === 'object' ? fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }) : fc.jsonValue({ maxDepth: 2 });
      const fields = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, arbitraryFor(document, property as Json, depth + 1)]));
      return fc.record(fields, { requiredKeys: ((schema.required as string[] | undefined) ?? []).filter((name) => name in properties) });
    }
  }
}

function stringFor(schema: Json): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 40, 300));
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'date-time':
      return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString());
    case 'date':
      return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10));
    case 'email':
      return fc.emailAddress();
    case 'uri':
      return fc.webUrl();
    default:
      break;
  }
  if (typeof schema.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((value) => value.length >= minLength && value.length <= maxLength);
    } catch {
      // A pattern JavaScript does not understand: plain strings.
    }
  }
  return fc.string({ minLength, maxLength });
}

/** Inputs no schema wants: boundary numbers, odd text, wrong types. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', 'null', 'true', '9'.repeat(40), '0000-00-00', '-100000-01-01T00:00:00Z', '\u0000', '\uD800', '%', '../', '{}', 'x'.repeat(2_000)),
  fc.integer(),
  fc.constantFrom(2 ** 31, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, -0, 0.5),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);

/** `encodeURIComponent`, also for text it refuses (a lone surrogate): then its UTF-8 bytes, each escaped. */
const encode = (text: string): string => {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  }
};

const asText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');

/**
 * Requests for one operation: path and query parameters and the JSON body from their schemas, each
 * part replaced by junk now and then (a field, a parameter, the whole body, the content type), so
 * that both the accepted and the refused paths are walked. `pathValues` offer known ids (resources
 * the test created) beside generated ones.
 */
export function operationRequests(document: OpenApiDocument, path: string, method: string, options: { pathValues?: Readonly<Record<string, readonly string[]>> } = {}): fc.Arbitrary<GeneratedRequest> {
  const operation: Json = document.paths[path][method];
  const parameters: Json[] = [...(document.paths[path].parameters ?? []), ...(operation.parameters ?? [])].map((parameter) => resolve(document, parameter) ?? {});
  const inPath = parameters.filter((parameter) => parameter.in === 'path');
  const inQuery = parameters.filter((parameter) => parameter.in === 'query');
  const pathArbitrary: fc.Arbitrary<Record<string, string>> = fc.record(
    Object.fromEntries(
      inPath.map((parameter) => {
        const known = options.pathValues?.[parameter.name] ?? [];
        const valid = arbitraryFor(document, parameter.schema).map(asText);
        return [parameter.name, fc.oneof({ weight: 4, arbitrary: known.length ? fc.constantFrom(...known) : valid }, { weight: 3, arbitrary: valid }, { weight: 1, arbitrary: junk.map(asText) })];
      }),
    ),
  );
  const queryArbitrary = fc.record(
    Object.fromEntries(inQuery.map((parameter) => [parameter.name, fc.oneof({ weight: 4, arbitrary: arbitraryFor(document, parameter.schema).map(asText) }, { weight: 1, arbitrary: junk.map(asText) })])),
    // fast-check types `requiredKeys` by the literal keys, unknown here.
    { requiredKeys: inQuery.filter((parameter) => parameter.required).map((parameter) => parameter.name as string) as never[] },
  ) as fc.Arbitrary<Record<string, string>>;
  const extraQuery = fc.option(fc.tuple(fc.constantFrom('x', 'limit', 'cursor', '__proto__'), junk.map(asText)), { freq: 5 });
  const bodySchema = resolve(document, operation.requestBody)?.content?.['application/json']?.schema;
  const bodyArbitrary: fc.Arbitrary<{ body?: string; contentType?: string }> = bodySchema
    ? fc.oneof(
        { weight: 6, arbitrary: arbitraryFor(document, bodySchema).map((body) => ({ body: JSON.stringify(body), contentType: 'application/json' })) },
        {
          weight: 3,
          arbitrary: fc
            .tuple(arbitraryFor(document, bodySchema), fc.string({ maxLength: 12 }), junk)
            .map(([body, field, value]) => {
              const object = body && typeof body === 'object' && !Array.isArray(body) ? (body as Json) : {};
              const keys = Object.keys(object);
              const target = keys.length > 0 && field.length % 2 === 0 ? keys[field.length % keys.length]! : field;
              return { body: JSON.stringify({ ...object, [target]: value }), contentType: 'application/json' };
            }),
        },
        { weight: 1, arbitrary: junk.map((value) => ({ body: asText(value), contentType: 'application/json' })) },
        { weight: 1, arbitrary: fc.constantFrom({ body: 'a=1', contentType: 'application/x-www-form-urlencoded' }, { body: '<x/>', contentType: 'text/xml' }, { body: '{"a":', contentType: 'application/json' }, {}) },
      )
    : fc.constant({});
  return fc.tuple(pathArbitrary, queryArbitrary, extraQuery, bodyArbitrary).map(([pathValues, query, extra, body]) => {
    const url = path.replace(/\{([^}]+)\}/g, (_match, name: string) => encode(String(pathValues[name] ?? '')));
    const pairs = [...Object.entries(query), ...(extra ? [extra] : [])].map(([name, value]) => `${encode(name)}=${encode(String(value))}`);
    return {
      operationId: String(operation.operationId ?? `${method} ${path}`),
      method: method.toUpperCase(),
      url: pairs.length ? `${url}?${pairs.join('&')}` : url,
      ...body,
    };
  });
}

/** Every documented operation of the `/v1` API: `[path, method]`. */
export function apiOperations(document: OpenApiDocument): Array<[string, string]> {
  return Object.entries(document.paths as Json).flatMap(([path, item]) =>
    path.startsWith('/v1') ? METHODS.filter((method) => (item as Json)[method]).map((method): [string, string] => [path, method]) : [],
  );
}

/** What `exerciseOperations` saw: requests sent, statuses per operation, and the answers that broke the rule. */
export interface ExerciseReport {
  readonly requests: number;
  readonly statuses: Record<string, Record<number, number>>;
  /** Wall time spent on each operation, in milliseconds (where a slow run's time went). */
  readonly elapsedMs: Record<string, number>;
  readonly failures: string[];
}

/**
 * Send `runsPerOperation` generated requests (`operationRequests`) to every `/v1` operation of a
 * running service, over HTTP. A 5xx, or an error answer that is not problem+json, fails the run
 * (fast-check reports the smallest such request it finds). `concurrency` operations (default 4)
 * are exercised at once, each by its own sequential property, so a slow operation (one that calls
 * another system) does not hold the others up and a failure still shrinks.
 */
export async function exerciseOperations(options: {
  readonly baseUrl: string;
  readonly document: OpenApiDocument;
  readonly runsPerOperation: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly pathValues?: Readonly<Record<string, readonly string[]>>;
  readonly seed?: number;
  readonly concurrency?: number;
}): Promise<ExerciseReport> {
  const statuses: Record<string, Record<number, number>> = {};
  const failures: string[] = [];
  const elapsedMs: Record<string, number> = {};
  let requests = 0;
  const exercise = async ([path, method]: [string, string]): Promise<void> => {
    let lastProblem = '';
    const started = performance.now();
    const generated = operationRequests(options.document, path, method, options.pathValues ? { pathValues: options.pathValues } : {});
    try {
      await fc.assert(
        fc.asyncProperty(generated, async (request) => {
          const response = await fetch(`${options.baseUrl}${request.url}`, {
            method: request.method,
            headers: { ...options.headers, ...(request.contentType ? { 'content-type': request.contentType } : {}) },
            ...(request.body !== undefined && request.method !== 'GET' ? { body: request.body } : {}),
          });
          await response.arrayBuffer();
          requests += 1;
          const counts = (statuses[request.operationId] ??= {});
          counts[response.status] = (counts[response.status] ?? 0) + 1;
          const contentType = response.headers.get('content-type') ?? '';
          // A 502 the operation documents is its answer when a system it calls fails (not a fault of its own).
          const documented = response.status === 502 && options.document.paths[path]?.[method]?.responses?.['502'] !== undefined;
          if (response.status >= 500 && !documented) lastProblem = `${response.status} for ${JSON.stringify(request)}`;
          else if (response.status >= 400 && !contentType.startsWith('application/problem+json')) lastProblem = `${response.status} as ${contentType} for ${JSON.stringify(request)}`;
          else return;
          throw new Error(lastProblem);
        }),
        { numRuns: options.runsPerOperation, ...(options.seed === undefined ? {} : { seed: options.seed }) },
      );
    } catch (error) {
      const cause = lastProblem ? ` (last: ${lastProblem})` : '';
      failures.push(`${method.toUpperCase()} ${path}: ${error instanceof Error ? error.message.split('\n').slice(0, 6).join(' ') : String(error)}${cause}`);
    }
    elapsedMs[`${method.toUpperCase()} ${path}`] = Math.round(performance.now() - started);
  };
  const pending = apiOperations(options.document);
  const worker = async (): Promise<void> => {
    for (let next = pending.shift(); next; next = pending.shift()) await exercise(next);
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  return { requests, statuses, elapsedMs, failures };
}
