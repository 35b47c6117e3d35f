import { AuthoriseReasonV1, ProductCode, SubscriberStatus } from '@sva/contracts';
import { type HttpApp, problem, sendProblem } from '@sva/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthoriseOutcome, CallbackCore, IdentifyOutcome } from '../use-cases/callback.ts';
import type { ViewIntegration } from '../view/entitlement-view.ts';
import { END_USER_ADDRESS_HEADER, type EndUserAddressOf } from './end-user-address.ts';
import { quickChildLogger } from './request-logger.ts';

/**
 * The callback contract v1 (R13–R15): NEO's dialect. Two calls under each integration's callback
 * URL `/v1/callback/{integrationId}/{secret}`:
 *
 * - `POST …/identify` `{ login, password }` → `{ identified: true, subscriber_id, status }` or
 *   `{ identified: false, reason }` (R14);
 * - `GET …/authorise?subscriber_id=…&product=…` → `{ allowed, reason, ttl_seconds }` (R15).
 *
 * This module only parses, calls the platform-neutral core (`use-cases/callback.ts`) and words the
 * outcome; another platform's dialect is another module like this one over the same core.
 *
 * Errors are RFC 9457 problem+json and say no more than R3/R14 allow: a wrong secret and an
 * unknown integration get the same 404; malformed input gets 400 naming the field (about the
 * caller's own input only); repeated identify failures get 429 with `Retry-After`; a gateway whose
 * view is not loaded yet answers 503 with `Retry-After`.
 */

export const CallbackParams = z.object({
  integrationId: z.string().max(64).describe('The integration id, as in the callback URL.'),
  secret: z.string().min(1).max(128).describe('The integration\'s callback secret, as in the callback URL (R3).'),
});

export const IdentifyBody = z.object({
  login: z.string().min(1).max(256).describe('What the user typed as login: per the integration\'s login field (R1) — network login, CPF/CNPJ, e-mail or customer code.'),
  password: z.string().min(1).max(256).describe('What the user typed as password (R2: the network password, or the login value again for the other login fields).'),
});

export const IdentifyAnswer = z
  .union([
    z.object({ identified: z.literal(true), subscriber_id: z.string().describe('R13: random, stable, the same for all the customer\'s services.'), status: SubscriberStatus }),
    z.object({
      identified: z.literal(false),
      reason: z.enum(['unknown_login', 'wrong_password', 'integration_inactive']).describe('R14: told apart only to callers holding the secret.'),
    }),
  ])
  .describe('Who the user is (R14).');

export const AuthoriseQuery = z.object({
  subscriber_id: z.string().min(1).max(64).describe('The subscriber id identify answered.'),
  product: ProductCode.describe('The platform\'s product code, e.g. `mumo`.'),
});

export const AuthoriseAnswer = z
  .object({
    allowed: z.boolean(),
    reason: AuthoriseReasonV1.describe(
      'Why (R1, R15): `subscribed` (the only reason that allows), `not_subscribed`, `service_suspended_debt`, `service_suspended_request`, `service_pending_installation`, `service_cancelled`, `trial_ended`, `integration_inactive`, `unknown_subscriber`, or `view_stale` (the gateway lost its data feed for longer than it may answer from; only with the deny policy).',
    ),
    ttl_seconds: z.number().int().nonnegative().describe('How long the platform may cache this answer.'),
  })
  .describe('May this subscriber use this product now (R15).');

/** An RFC 9457 problem document (documentation only: every problem the gateway sends fits it). */
export const ProblemDocument = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string().describe('Stable error code, e.g. `GATEWAY_CALLBACK_NOT_FOUND`.'),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.looseObject({ path: z.string(), message: z.string() })).optional().describe('Field-level problems of a 400.'),
});

const problemResponses = {
  400: ProblemDocument.describe('Malformed input (`HTTP_VALIDATION_FAILED`, `HTTP_…`): the fields are listed.'),
  404: ProblemDocument.describe('R3: no callback at this URL — unknown integration or wrong secret, indistinguishably (`GATEWAY_CALLBACK_NOT_FOUND`).'),
  503: ProblemDocument.describe('The gateway is still loading its view (`GATEWAY_NOT_READY`); retry after `Retry-After` seconds.'),
};

const tags = ['callback v1'];
const JSON_TYPE = 'application/json; charset=utf-8';
const notFound = problem(404, 'GATEWAY_CALLBACK_NOT_FOUND', 'no callback at this URL');
const notReady = problem(503, 'GATEWAY_NOT_READY', 'the gateway is loading its view; try again shortly');
const tooMany = problem(429, 'GATEWAY_TOO_MANY_ATTEMPTS', 'too many failed attempts; try again later');

const productPattern = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown, min: number, max: number): value is string => typeof value === 'string' && value.length >= min && value.length <= max;

/**
 * Cheap checks run before zod on the two hot routes: each accepts only what its zod schema accepts
 * (a property test holds them to it), so a valid request skips zod and an invalid one still gets
 * zod's field-level errors. The zod schemas stay the single description (and the OpenAPI).
 */
export const fastChecks = new Map<z.ZodType, (value: unknown) => boolean>([
  [CallbackParams, (v) => isObject(v) && isText(v['integrationId'], 0, 64) && isText(v['secret'], 1, 128)],
  [IdentifyBody, (v) => isObject(v) && isText(v['login'], 1, 256) && isText(v['password'], 1, 256)],
  [AuthoriseQuery, (v) => isObject(v) && isText(v['subscriber_id'], 1, 64) && typeof v['product'] === 'string' && productPattern.test(v['product'])],
]);

const checkedValidator = ((route: { schema: z.ZodType }) => {
  const full = validatorCompiler(route as never) as (data: unknown) => unknown;
  const fast = fastChecks.get(route.schema);
  if (!fast) return full;
  return (data: unknown) => (fast(data) ? { value: data } : full(data));
}) as never;

const authoriseJson = (outcome: AuthoriseOutcome): string => JSON.stringify({ allowed: outcome.allowed, reason: outcome.reason, ttl_seconds: outcome.ttlSeconds });

const notIdentifiedJson = {
  unknown_login: JSON.stringify({ identified: false, reason: 'unknown_login' }),
  wrong_password: JSON.stringify({ identified: false, reason: 'wrong_password' }),
  integration_inactive: JSON.stringify({ identified: false, reason: 'integration_inactive' }),
};

function identifyJson(outcome: Exclude<IdentifyOutcome, { kind: 'throttled' }>): string {
  if (outcome.kind === 'not_identified') return notIdentifiedJson[outcome.reason];
  return `{"identified":true,"subscriber_id":${JSON.stringify(outcome.subscriberId)},"status":"${outcome.status}"}`;
}

type CallbackRequest<Extra> = FastifyRequest<{ Params: z.infer<typeof CallbackParams> } & Extra>;

/** Register the contract v1 routes on the app (whose OpenAPI document then describes them). */
export function callbackV1Routes(app: HttpApp, core: CallbackCore, endUserAddressOf: EndUserAddressOf = () => undefined): void {
  // Answers as ready-made JSON, one per reason (the core's outcomes are fixed): the hot route sends strings and skips serialisation.
  const answers: Partial<Record<AuthoriseReasonV1, string>> = {};
  notFoundUnderCallbacks(app);

  app.post(
    '/v1/callback/:integrationId/:secret/identify',
    {
      schema: {
        tags,
        summary: 'Identify: login + password → subscriber_id (R14)',
        description:
          'Login and password per the integration\'s login field (R1, R2). An unknown login and a wrong password are told apart (only callers holding the secret get here). Failures are limited per login and per end-user address (header `X-End-User-IP`: the end user\'s address as NEO saw it, believed only from the configured trusted ranges, ignored otherwise or when not an IP address), locked out for increasing periods, and per integration (a failure budget a minute): 429 with `Retry-After`.',
        params: CallbackParams,
        body: IdentifyBody,
        response: {
          200: IdentifyAnswer,
          ...problemResponses,
          429: ProblemDocument.describe('R14: too many failed attempts on this login, from this end-user address, or on this integration (`GATEWAY_TOO_MANY_ATTEMPTS`); retry after `Retry-After` seconds.'),
        },
      },
      validatorCompiler: checkedValidator,
      childLoggerFactory: quickChildLogger as never,
    },
    (request: CallbackRequest<{ Body: z.infer<typeof IdentifyBody> }>, reply: FastifyReply): void => {
      const integration = openCallback(core, request, reply);
      if (integration === undefined) return;
      // request.ip: the peer, or with GATEWAY_TRUST_PROXY the address the ingress saw (NEO's server).
      const outcome = core.identify(integration, request.body.login, request.body.password, endUserAddressOf(request.ip, request.headers[END_USER_ADDRESS_HEADER]));
      if (outcome.kind === 'throttled') sendProblem(reply.header('retry-after', String(outcome.retryAfterSeconds)), tooMany);
      else reply.type(JSON_TYPE).send(identifyJson(outcome));
    },
  );

  app.get(
    '/v1/callback/:integrationId/:secret/authorise',
    {
      schema: {
        tags,
        summary: 'Authorise: subscriber_id + product → allowed, reason, ttl_seconds (R15)',
        description:
          'Allowed iff some eligible service of the customer holds a package granting the product (R15); an inactive integration authorises nobody (R1). Every answer carries a reason and how long it may be cached.',
        params: CallbackParams,
        querystring: AuthoriseQuery,
        response: { 200: AuthoriseAnswer, ...problemResponses },
      },
      validatorCompiler: checkedValidator,
      childLoggerFactory: quickChildLogger as never,
    },
    (request: CallbackRequest<{ Querystring: z.infer<typeof AuthoriseQuery> }>, reply: FastifyReply): void => {
      const integration = openCallback(core, request, reply);
      if (integration === undefined) return;
      const outcome = core.authorise(integration, request.query.subscriber_id, request.query.product, reply.elapsedTime);
      reply.type(JSON_TYPE).send((answers[outcome.reason] ??= authoriseJson(outcome)));
    },
  );
}

/**
 * The integration a callback URL opens (R3), or undefined once the answer is sent: 503 while the
 * view is loading, the same 404 for an unknown integration and a wrong secret.
 */
function openCallback(core: CallbackCore, request: CallbackRequest<object>, reply: FastifyReply): ViewIntegration | undefined {
  if (!core.ready()) {
    sendProblem(reply.header('retry-after', '1'), notReady);
    return undefined;
  }
  const integration = core.open(request.params.integrationId, request.params.secret);
  if (integration === undefined) sendProblem(reply, notFound);
  return integration;
}

/**
 * Anything else under the callback prefix (another path, another method, a URL cut short) gets the
 * same 404 as a wrong secret (R3): nothing tells a caller what exists there.
 */
function notFoundUnderCallbacks(app: HttpApp): void {
  app.all('/v1/callback/*', { schema: { hide: true }, childLoggerFactory: quickChildLogger as never }, (_request: FastifyRequest, reply: FastifyReply): void => {
    sendProblem(reply, notFound);
  });
}

/** Whether a request addresses the callbacks (their per-request log lines are skipped). */
export function isCallbackRequest(request: FastifyRequest): boolean {
  return request.url.startsWith('/v1/callback/');
}
