import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createFailureLimiter } from './limiter.ts';
import { problem, sendProblem } from './problem.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * A fastify `onRequest` hook accepting `Authorization: Bearer <key>` or `X-Api-Key: <key>` for
 * operator and service-to-service APIs. Keys are compared in constant time (as digests, so the
 * length does not leak either). Only failures are counted and slowed down: past
 * `maxFailuresPerMinute` wrong keys from one address, a further wrong key gets 429 with
 * `Retry-After` instead of 401 — a valid key is always accepted, so one misconfigured client
 * behind the same ingress cannot lock the other operators out.
 */
export function apiKeyGuard(keys: readonly string[], options: { maxFailuresPerMinute?: number } = {}) {
  const accepted = keys.map(digest);
  const limiter = createFailureLimiter({ maxFailures: options.maxFailuresPerMinute ?? 20, windowMs: 60_000 });
  return async function requireApiKey(request: FastifyRequest, reply: FastifyReply) {
    const presented = presentedKey(request);
    const candidate = digest(presented ?? '');
    let ok = false;
    for (const key of accepted) ok = timingSafeEqual(key, candidate) || ok;
    if (presented && ok) return;
    const wait = limiter.retryAfterSeconds(request.ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return sendProblem(reply, problem(429, 'HTTP_TOO_MANY_FAILED_AUTHENTICATIONS', 'too many failed attempts; try again later'));
    }
    limiter.fail(request.ip);
    reply.header('www-authenticate', 'Bearer');
    return sendProblem(reply, problem(401, 'HTTP_UNAUTHENTICATED', 'a valid API key is required (Authorization: Bearer <key>)'));
  };
}

function presentedKey(request: FastifyRequest): string | undefined {
  // The scheme name is case-insensitive (RFC 9110 §11.1).
  const bearer = /^bearer\s+(.*)$/i.exec(request.headers.authorization ?? '');
  if (bearer) return bearer[1]!.trim();
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey : undefined;
}
