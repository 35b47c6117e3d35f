import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problem, sendProblem } from '@sva/service-kit';
import type { ConsoleContext } from './context.ts';
import { findSession, type SessionView } from './sessions.ts';

/** The session cookie's name: `__Host-` (Secure, host-only, path /) when cookies are Secure. */
export const cookieName = (secure: boolean) => (secure ? '__Host-sva_console' : 'sva_console');

/** Whether this request's cookies must be Secure (HTTPS, directly or per the trusted proxy). */
export function secureRequest(ctx: ConsoleContext, request: FastifyRequest): boolean {
  if (ctx.config.secureCookies === 'always') return true;
  if (ctx.config.secureCookies === 'never') return false;
  return request.protocol === 'https';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireSession` for the routes behind it. */
    consoleSession?: SessionView;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request defences. An `Origin` header, when the browser sends one, must be this
 * server's own origin; every change (non-GET) must also carry the session's CSRF token in
 * `X-CSRF-Token` (checked in {@link requireSession}). The cookie is SameSite=Strict besides.
 */
export function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  return origin === `${request.protocol}://${request.host}`;
}

/** An `onRequest`-style check: a live session, and for changes a same-origin call with the CSRF token. */
export function requireSession(ctx: ConsoleContext) {
  return async function guard(request: FastifyRequest, reply: FastifyReply) {
    if (!sameOrigin(request)) return sendProblem(reply, problem(403, 'CONSOLE_CROSS_ORIGIN_REFUSED', 'requests from another origin are refused'));
    const token = request.cookies[cookieName(secureRequest(ctx, request))];
    const session = await findSession(ctx, token);
    if (!session) return sendProblem(reply, problem(401, 'CONSOLE_SESSION_REQUIRED', 'log in first (the session is missing or has expired)'));
    if (!SAFE_METHODS.has(request.method)) {
      const presented = Buffer.from(String(request.headers['x-csrf-token'] ?? ''));
      const expected = Buffer.from(session.csrfToken);
      if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
        return sendProblem(reply, problem(403, 'CONSOLE_CSRF_REFUSED', 'the X-CSRF-Token header is missing or does not match the session'));
      }
    }
    request.consoleSession = session;
  };
}
