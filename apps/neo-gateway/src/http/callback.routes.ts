import { createHash, timingSafeEqual } from 'node:crypto';
import { ProductCode, SubscriberStatus, type GatewayIntegrationV1 } from '@sva/contracts';
import { createFailureLimiter, problem, sendProblem, type HttpApp } from '@sva/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authorise } from '../domain/decisions.ts';
import type { LoginHasher } from '../domain/login-keys.ts';
import type { EntitlementView } from '../view/entitlement-view.ts';

/** Settings of the callback contract. */
export interface CallbackOptions {
  readonly view: EntitlementView;
  readonly hasher: LoginHasher;
  readonly allowTtlSeconds: number;
  readonly denyTtlSeconds: number;
  readonly identifyFailuresPerAddress: number;
  readonly identifyFailuresPerLogin: number;
  readonly clock?: () => Date;
}

const CallbackParams = z.object({
  integrationId: z.string().max(64),
  secret: z.string().max(128),
});

const IdentifyBody = z.object({
  login: z.string().min(1).max(256),
  password: z.string().min(1).max(256),
});

const IdentifyAnswer = z.union([
  z.object({ identified: z.literal(true), subscriber_id: z.string(), status: SubscriberStatus }),
  z.object({ identified: z.literal(false), reason: z.enum(['unknown_login', 'wrong_password', 'integration_inactive']) }),
]);

const AuthoriseQuery = z.object({
  subscriber_id: z.string().min(1).max(64),
  product: ProductCode,
});

const AuthoriseAnswer = z.object({
  allowed: z.boolean(),
  reason: z.enum([
    'subscribed',
    'not_subscribed',
    'service_suspended_debt',
    'service_suspended_request',
    'service_pending_installation',
    'service_cancelled',
    'trial_ended',
    'integration_inactive',
    'unknown_subscriber',
  ]),
  ttl_seconds: z.number().int(),
});

const tags = ['callback v1'];
const notFound = problem(404, 'GATEWAY_CALLBACK_NOT_FOUND', 'no callback at this URL');
const DUMMY_VERIFIER = Buffer.alloc(32);

/**
 * The callback contract v1 that NEO calls (R13–R15): identify and authorise under each
 * integration's callback URL. This module is the platform-facing dialect only; the decisions
 * come from the view and the domain, so another platform's dialect is another module like this.
 *
 * R3: a wrong secret and an unknown integration get the same 404, after the same work (the
 * secret is hashed and compared in constant time either way), so neither reveals anything.
 */
export function callbackRoutes(app: HttpApp, options: CallbackOptions): void {
  const now = options.clock ?? (() => new Date());
  const byAddress = createFailureLimiter({ maxFailures: options.identifyFailuresPerAddress, windowMs: 60_000 });
  const byLogin = createFailureLimiter({ maxFailures: options.identifyFailuresPerLogin, windowMs: 15 * 60_000 });

  const integrationFor = (params: z.infer<typeof CallbackParams>): GatewayIntegrationV1 | undefined => {
    const integration = options.view.integration(params.integrationId);
    const presented = createHash('sha256').update(params.secret).digest();
    let ok = false;
    const at = now();
    for (const verifier of integration?.secretVerifiers ?? [{ sha256: '', validUntil: null }]) {
      const expected = verifier.sha256 ? Buffer.from(verifier.sha256, 'base64url') : DUMMY_VERIFIER;
      const current = verifier.validUntil === null || new Date(verifier.validUntil) > at;
      ok = (expected.length === presented.length && timingSafeEqual(expected, presented) && current) || ok;
    }
    return ok ? integration : undefined;
  };

  const tooMany = (reply: FastifyReply, seconds: number) =>
    sendProblem(reply.header('retry-after', String(seconds)), problem(429, 'GATEWAY_TOO_MANY_ATTEMPTS', 'too many failed attempts; try again later'));

  app.post('/v1/callback/:integrationId/:secret/identify', {
    schema: {
      tags,
      summary: 'Identify: login + password → subscriber_id (R14)',
      description:
        'Login and password per the integration\'s login field (R1, R2). An unknown login and a wrong password are told apart (only callers holding the secret get here). Repeated failures per client address and per login get 429 with Retry-After.',
      params: CallbackParams,
      body: IdentifyBody,
      response: { 200: IdentifyAnswer },
    },
  }, async (request: FastifyRequest<{ Params: z.infer<typeof CallbackParams>; Body: z.infer<typeof IdentifyBody> }>, reply) => {
    const integration = integrationFor(request.params);
    if (!integration) return sendProblem(reply, notFound);
    const loginKey = `${integration.integrationId}:${options.hasher.key(integration.loginField, request.body.login)}`;
    const wait = Math.max(byAddress.retryAfterSeconds(request.ip), byLogin.retryAfterSeconds(loginKey));
    if (wait > 0) return tooMany(reply, wait);
    const decision = options.view.identify(integration, request.body.login, request.body.password, options.hasher);
    if (!decision.identified) {
      if (decision.reason !== 'integration_inactive') {
        byAddress.fail(request.ip);
        byLogin.fail(loginKey);
      }
      return { identified: false as const, reason: decision.reason };
    }
    byLogin.reset(loginKey);
    return { identified: true as const, subscriber_id: decision.subscriberId, status: decision.status };
  });

  app.get('/v1/callback/:integrationId/:secret/authorise', {
    schema: {
      tags,
      summary: 'Authorise: subscriber_id + product → allowed, reason, ttl_seconds (R15)',
      params: CallbackParams,
      querystring: AuthoriseQuery,
      response: { 200: AuthoriseAnswer },
    },
  }, async (request: FastifyRequest<{ Params: z.infer<typeof CallbackParams>; Querystring: z.infer<typeof AuthoriseQuery> }>, reply) => {
    const integration = integrationFor(request.params);
    if (!integration) return sendProblem(reply, notFound);
    const entitlement = options.view.entitlement(integration.integrationId, request.query.subscriber_id);
    const decision = authorise(integration, entitlement, request.query.product);
    return { ...decision, ttl_seconds: decision.allowed ? options.allowTtlSeconds : options.denyTtlSeconds };
  });
}
