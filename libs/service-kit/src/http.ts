import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { fastifyHelmet } from '@fastify/helmet';
import { fastifyRateLimit } from '@fastify/rate-limit';
import { fastifySwagger } from '@fastify/swagger';
import { fastifyUnderPressure, type FastifyUnderPressureOptions } from '@fastify/under-pressure';
import { DomainError, isDomainError } from '@sva/kernel';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  ResponseSerializationError,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import { apiKeyGuard } from './api-key.ts';
import type { HttpSettings } from './config.ts';
import { recordHttpMetrics } from './http-metrics.ts';
import { answerLanguage, fieldMessage, schemaIssueMessage } from './language.ts';
import { isDataException, unstorableTextIssues } from './input-guard.ts';
import { finishOpenApiDocument } from './openapi.ts';
import { PROBLEM_CONTENT_TYPE, problem, sendProblem } from './problem.ts';
import { reportResponse, responsesObserved } from './response-observers.ts';

/** A fastify instance whose route schemas are zod schemas. */
export type HttpApp = FastifyInstance<Server, IncomingMessage, ServerResponse, Logger, ZodTypeProvider>;

/** What `/readyz` reports: ready only when every check passes. */
export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail?: string }>>;
}

export interface HttpAppOptions {
  /** Service name, shown in OpenAPI and logs. */
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly logger: Logger;
  /** Called by `/readyz`; keep it cheap (it is probed every few seconds). */
  readonly readiness: () => Promise<ReadinessReport>;
  /** Largest accepted body. Default 64 KiB: our APIs take small JSON documents. */
  readonly bodyLimit?: number;
  /** Abort requests whose headers/body take longer than this. Default 10 s. */
  readonly requestTimeoutMs?: number;
  /**
   * Proxy trust, operator API rate limit and load shedding (`config.http`, read by `baseEnv`, which
   * defaults them to `httpDefaults`); each left out here is off.
   */
  readonly http?: Omit<HttpSettings, 'host' | 'port'>;
  /**
   * When given, every `/v1/…` route requires one of these keys (see `apiKeyGuard`), and the OpenAPI
   * document declares both accepted forms (`bearerAuth`, `apiKeyHeader`).
   */
  readonly apiKeys?: readonly string[];
  /**
   * Requests whose per-request "incoming request" / "request completed" log lines are skipped (a
   * hot path such as the gateway's callbacks). Failures are still logged by the error handler.
   */
  readonly quietRequests?: (request: FastifyRequest) => boolean;
  /** Descriptions of the OpenAPI tags the routes use. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Base URLs for the OpenAPI document's `servers` (default: the serving origin). */
  readonly servers?: ReadonlyArray<{ readonly url: string; readonly description?: string }>;
  /** `info.contact` of the OpenAPI document. */
  readonly contact?: { readonly name: string; readonly url?: string; readonly email?: string };
}

const ReadinessSchema = z
  .object({
    ready: z.boolean(),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
  })
  .describe('Each check by name; the service is ready only when every check is ok.');

// Request ids unique across replicas and restarts without a random UUID per request: a random
// prefix per process, then a counter (the gateway answers tens of thousands of requests a second).
const processTag = randomBytes(6).toString('base64url');
let requestCounter = 0;
const nextRequestId = (): string => `${processTag}-${(++requestCounter).toString(36)}`;

/** Handle to flip readiness to 503 while the service shuts down. */
export interface HttpLifecycle {
  markShuttingDown(): void;
}

/**
 * Build the fastify app every service uses: zod validation and serialisation, OpenAPI at
 * `/openapi.json`, `/livez` and `/readyz`, request metrics (`recordHttpMetrics`), and one error
 * handler that answers RFC 9457 problem+json. Bad input is a 4xx with the fields listed, never a 500; 5xx details are
 * logged, not returned.
 */
export function createHttpApp(options: HttpAppOptions): { app: HttpApp; lifecycle: HttpLifecycle } {
  let shuttingDown = false;
  // Left out (a config built by hand: tests, the embedded mode), the rate limit and load shedding
  // are off; from the environment (`baseEnv`) they default to `httpDefaults`.
  const trustProxy = options.http?.trustProxy ?? false;
  const rateLimitPerMinute = options.http?.rateLimitPerMinute ?? 0;
  const overload = options.http?.overload ?? { maxEventLoopDelayMs: 0, maxEventLoopUtilization: 0 };
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    requestTimeout: options.requestTimeoutMs ?? 10_000,
    connectionTimeout: options.requestTimeoutMs ?? 10_000,
    // A hop count or address list, never `true`: see `TrustProxy`.
    // Fastify refuses a bare hop count (it cannot tell the peer is a proxy), hence the function:
    // the deployment says how many proxies stand in front, and only those hops are skipped.
    trustProxy: trustProxy === false ? false : typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : [...trustProxy],
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : nextRequestId();
    },
    ajv: { customOptions: { coerceTypes: false } },
    ...(options.quietRequests ? { logController: new LogController({ disableRequestLogging: options.quietRequests }) } : {}),
    // Errors the router raises before any route runs (a malformed percent-escape in the path): problem+json too.
    frameworkErrors: (error, request, reply) => sendError(error, request, reply),
    // Errors Node's HTTP parser raises before fastify sees a request (an unknown method, bytes a URL
    // may not hold, headers over the limit → 431): problem+json written on the socket.
    clientErrorHandler: answerClientError,
  }).withTypeProvider<ZodTypeProvider>() as unknown as HttpApp;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // The plugin body is called directly, not through `register`: registered plugins load later,
  // and swagger collects routes with an `onRoute` hook, so routes a service adds right after
  // this function returns would be missing from the document. Its body only adds hooks and a
  // decorator, which is safe on the root instance. (Its
  // declared type wants the default logger and type provider, hence the cast.)
  fastifySwagger(
    app as unknown as FastifyInstance,
    {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: options.name,
          version: options.version,
          ...(options.description ? { description: options.description } : {}),
          license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
          contact: options.contact ?? { name: 'SVA platform team' },
        },
      },
      transform: jsonSchemaTransform,
      transformObject: (documentObject) =>
        finishOpenApiDocument((documentObject as { openapiObject: Record<string, unknown> }).openapiObject, {
          apiKeyRequired: options.apiKeys !== undefined,
          rateLimited: options.apiKeys !== undefined && rateLimitPerMinute > 0,
          ...(options.tags ? { tags: options.tags } : {}),
          ...(options.servers ? { servers: options.servers } : {}),
        }),
    },
    (error) => {
      if (error) throw error;
    },
  );

  recordHttpMetrics(app);
  // An unknown `Expect` (anything but 100-continue): 417 problem+json instead of Node's bare 417.
  app.server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const body = JSON.stringify(problem(417, 'HTTP_EXPECTATION_FAILED', 'only "Expect: 100-continue" is supported'));
    response.writeHead(417, { 'content-type': PROBLEM_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) }).end(body);
    request.resume();
  });
  app.setErrorHandler((error: unknown, request, reply) => sendError(error, request, reply));
  // No stored or queried string may hold NUL or a lone surrogate, in any route's body, query or
  // path: a field-level 400 here instead of a database error later.
  app.addHook('preValidation', async (request, reply) => {
    const errors = [
      ...unstorableTextIssues('params', request.params),
      ...unstorableTextIssues('querystring', request.query),
      ...unstorableTextIssues('body', request.body),
    ];
    if (errors.length > 0) return sendProblem(reply, problem(400, 'HTTP_VALIDATION_FAILED', 'request holds text that cannot be stored', { errors, instance: request.id }));
  });
  registerHygiene(app, { apiKeys: options.apiKeys !== undefined, rateLimitPerMinute, overload });
  if (options.apiKeys) {
    const guard = apiKeyGuard(options.apiKeys);
    app.addHook('onRequest', async (request, reply) => {
      if (isVersionedApi(request)) return guard(request, reply);
    });
  }
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem(404, 'HTTP_ROUTE_NOT_FOUND', `no route ${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`)),
  );

  const operations = ['operations'];
  app.after(() => {
    app.get('/openapi.json', {
      schema: {
        tags: operations,
        operationId: 'getOpenApiDocument',
        summary: 'This OpenAPI document',
        security: [],
        response: { 200: z.looseObject({ openapi: z.string() }).describe('The OpenAPI 3.1 document of this service.') },
      },
    }, async () => app.swagger() as unknown as { openapi: string });
    app.get('/livez', {
      schema: {
        tags: operations,
        operationId: 'getLiveness',
        summary: 'Liveness probe: the process answers',
        security: [],
        response: { 200: z.object({ status: z.literal('ok') }).describe('The process is alive.') },
      },
    }, async () => ({ status: 'ok' as const }));
    app.get('/readyz', {
      schema: {
        tags: operations,
        operationId: 'getReadiness',
        summary: 'Readiness probe: every dependency is usable',
        description: 'Failing checks name a generic reason; the cause is in the service log.',
        security: [],
        response: { 200: ReadinessSchema, 503: ReadinessSchema.describe('Not ready: at least one check failed, or the service is shutting down.') },
      },
    }, async (request, reply) => {
      if (shuttingDown) return reply.code(503).send({ ready: false, checks: { shutdown: { ok: false, detail: 'shutting down' } } });
      const given = await options.readiness().catch((error: unknown): ReadinessReport => {
        // The cause may name hosts or credentials: logged, not answered.
        request.log.error({ err: error }, 'readiness check failed');
        return { ready: false, checks: { readiness: { ok: false, detail: 'readiness check failed' } } };
      });
      // While it sheds load, the replica asks the load balancer for less traffic too.
      const overloaded = isOverloaded(app);
      const report: ReadinessReport = overloaded ? { ready: false, checks: { ...given.checks, load: { ok: false, detail: 'overloaded: shedding requests' } } } : given;
      return reply.code(report.ready ? 200 : 503).send(report);
    });
  });

  return { app, lifecycle: { markShuttingDown: () => { shuttingDown = true; } } };
}

const OVERLOAD_RETRY_AFTER_SECONDS = 2;

/** Whether under-pressure reports the process overloaded (false when shedding is off). */
function isOverloaded(app: HttpApp): boolean {
  const decorated = app as unknown as { isUnderPressure?: () => boolean };
  return typeof decorated.isUnderPressure === 'function' && decorated.isUnderPressure();
}

/**
 * Standard HTTP hygiene, by maintained plugins: security headers (helmet: `nosniff`, frame and
 * resource policies), `Cache-Control: no-store` unless a route sets its own (operator answers and
 * the secrets some carry must not sit in caches), CORS closed (no `Access-Control-Allow-*` is ever
 * sent, and a cross-origin preflight is refused with 403: the console is served same-origin), a
 * request rate limit per client address on the operator API, and load shedding.
 */
function registerHygiene(app: HttpApp, settings: { apiKeys: boolean; rateLimitPerMinute: number; overload: NonNullable<HttpSettings['overload']> }): void {
  // Helmet and the rate limit attach their hooks to each route as it is added (`onRoute`), so,
  // like swagger above, their bodies run now, on the root instance, before the service adds its
  // routes; they add hooks and decorators synchronously and are awaited before the app is ready.
  const root = app as unknown as FastifyInstance;
  type PluginBody<O> = (instance: FastifyInstance, options: O) => Promise<void>;
  const loading: Array<Promise<void>> = [(fastifyHelmet as unknown as PluginBody<{ global: boolean }>)(root, { global: true })];
  app.addHook('onReady', async () => {
    await Promise.all(loading);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    if (responsesObserved()) {
      const contentType = reply.getHeader('content-type');
      reportResponse({
        method: request.method,
        route: request.routeOptions.url,
        status: reply.statusCode,
        contentType: typeof contentType === 'string' ? contentType : undefined,
        body: typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '',
      });
    }
    return payload;
  });
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'OPTIONS' && request.headers.origin !== undefined && request.headers['access-control-request-method'] !== undefined) {
      return sendProblem(reply, problem(403, 'HTTP_CORS_REFUSED', 'cross-origin requests are not served: call the API from the same origin or a server'));
    }
  });
  if (settings.apiKeys && settings.rateLimitPerMinute > 0) {
    loading.push((fastifyRateLimit as unknown as PluginBody<Parameters<typeof fastifyRateLimit>[1]>)(root, {
      global: true,
      max: settings.rateLimitPerMinute,
      timeWindow: 60_000,
      allowList: (request) => !isVersionedApi(request),
      errorResponseBuilder: (_request, context) =>
        new DomainError('HTTP_RATE_LIMITED', `more than ${context.max} requests a minute from this address; retry after ${Math.ceil(context.ttl / 1000)} s`, { status: 429, retryable: true }),
    }));
  }
  const { maxEventLoopDelayMs, maxEventLoopUtilization } = settings.overload;
  if (maxEventLoopDelayMs > 0 || maxEventLoopUtilization > 0) {
    void root.register(fastifyUnderPressure, {
      ...(maxEventLoopDelayMs > 0 ? { maxEventLoopDelay: maxEventLoopDelayMs } : {}),
      ...(maxEventLoopUtilization > 0 ? { maxEventLoopUtilization } : {}),
      sampleInterval: 250,
      retryAfter: OVERLOAD_RETRY_AFTER_SECONDS,
      // The plugin sends what the handler returns (its types say `void`; its code sends a non-null value).
      pressureHandler: ((request: FastifyRequest, reply: FastifyReply) => {
        // Probes answer anyway: liveness must not fail under load, readiness reports it (`load`).
        if (probePath(request)) return undefined;
        reply.code(503).type(PROBLEM_CONTENT_TYPE).header('retry-after', String(OVERLOAD_RETRY_AFTER_SECONDS));
        return problem(503, 'HTTP_OVERLOADED', 'the service is overloaded; retry shortly', { instance: request.id });
      }) as unknown as FastifyUnderPressureOptions['pressureHandler'],
    });
  }
}

const probePath = (request: FastifyRequest): boolean => {
  const path = request.routeOptions.url;
  return path === '/livez' || path === '/readyz';
};

/**
 * Whether the request addresses the `/v1` API. The matched route pattern decides, not the raw URL:
 * the router decodes percent-escapes, so `/%76%31/…` reaches a `/v1/…` route.
 */
function isVersionedApi(request: FastifyRequest): boolean {
  const path = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
  return path === '/v1' || path.startsWith('/v1/');
}

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const instance = request.id;
  const language = answerLanguage(request.headers['accept-language']);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'body';
    const errors = error.validation.map((issue) => ({
      path: [where, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
      message: schemaIssueMessage(issue, language),
    }));
    return sendProblem(reply, problem(400, 'HTTP_VALIDATION_FAILED', `request ${where} is invalid`, { errors, instance }));
  }
  if (isDomainError(error)) {
    if (error.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(
      reply,
      problem(error.status, error.code, error.message, {
        instance,
        ...(error.rule ? { rule: error.rule } : {}),
        ...(error.fields.length > 0 ? { errors: error.fields } : {}),
      }),
    );
  }
  if (error instanceof z.ZodError) {
    const errors = error.issues.map((issue) => ({ path: issue.path.join('.'), message: fieldMessage(issue as unknown as Parameters<typeof fieldMessage>[0], language) }));
    return sendProblem(reply, problem(400, 'HTTP_VALIDATION_FAILED', 'request is invalid', { errors, instance }));
  }
  if (isDataException(error)) {
    // Backstop: a value PostgreSQL refused as data (SQLSTATE class 22: bad encoding, out of range)
    // is the caller's input, not our failure. Each known cause is refused earlier, by its schema.
    request.log.warn({ err: error }, 'database refused a value of the request');
    return sendProblem(reply, problem(400, 'HTTP_INVALID_VALUE', 'a value in the request cannot be stored', { instance }));
  }
  if (error instanceof ResponseSerializationError) {
    request.log.error({ err: error }, 'response did not match its schema');
    return sendProblem(reply, problem(500, 'HTTP_INTERNAL', 'internal error', { instance }));
  }
  // Fastify's own client errors: malformed JSON, wrong content type, body too large, …
  const { statusCode, code } = (error instanceof Error ? error : {}) as Partial<FastifyError>;
  const status = typeof statusCode === 'number' ? statusCode : 500;
  if (error instanceof Error && status >= 400 && status < 500) {
    const problemCode = typeof code === 'string' ? `HTTP_${code.replace(/^FST_ERR_/, '')}` : 'HTTP_BAD_REQUEST';
    return sendProblem(reply, problem(status, problemCode, error.message, { instance }));
  }
  request.log.error({ err: error }, 'request failed');
  return sendProblem(reply, problem(status >= 500 ? status : 500, 'HTTP_INTERNAL', 'internal error', { instance }));
}

const clientErrorStatus: Record<string, number> = { HPE_HEADER_OVERFLOW: 431, ERR_HTTP_REQUEST_TIMEOUT: 408 };

/** `clientErrorHandler`: Node's parser refused the request; answer problem+json and close. */
function answerClientError(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = clientErrorStatus[error.code ?? ''] ?? 400;
  const code = status === 431 ? 'HTTP_HEADERS_TOO_LARGE' : status === 408 ? 'HTTP_REQUEST_TIMEOUT' : 'HTTP_MALFORMED_REQUEST';
  const detail = status === 431 ? 'the request headers are larger than the server accepts' : status === 408 ? 'the request took too long' : 'the request is not valid HTTP';
  const body = JSON.stringify(problem(status, code, detail));
  this.log.debug({ err: error }, 'client error');
  if (socket.writable) {
    const reason = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' }[status];
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
