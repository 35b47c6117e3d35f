import { createFailureLimiter, problem, sendProblem, type HttpApp } from '@sva/service-kit';
import { z } from 'zod';
import { login } from './accounts.ts';
import type { ConsoleContext } from './context.ts';
import { cookieName, requireSession, sameOrigin, secureRequest } from './guard.ts';
import { DEMO_CLOCK_OPERATIONS } from './operations.ts';
import { ROLES, type Role } from './roles.ts';
import { closeSession, openSession } from './sessions.ts';

const Operator = z.object({ id: z.uuid(), username: z.string(), displayName: z.string(), role: z.enum(ROLES) });
const SessionAnswer = z.object({
  operator: Operator,
  csrfToken: z.string().describe('Send it as X-CSRF-Token on every change'),
  demoClock: z.boolean().describe('The demo clock is forwarded (embedded `--demo-clock`) and this operator may move it (admin)'),
});
const tags = ['session'];

/** Login (`POST /api/session`), who am I (`GET`), logout (`DELETE`). */
export function sessionRoutes(app: HttpApp, ctx: ConsoleContext): void {
  const limiter = createFailureLimiter({ maxFailures: ctx.config.loginFailuresPerMinute, windowMs: 60_000 });
  const guard = requireSession(ctx);

  app.post('/api/session', {
    schema: {
      tags,
      operationId: 'login',
      summary: 'Log in',
      description: 'Opens a session (httpOnly SameSite=Strict cookie). Failed logins are rate limited per address; repeated failures lock the account.',
      body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
      response: { 200: SessionAnswer },
    },
  }, async (request, reply) => {
    if (!sameOrigin(request)) return sendProblem(reply, problem(403, 'CONSOLE_CROSS_ORIGIN_REFUSED', 'requests from another origin are refused'));
    const wait = limiter.retryAfterSeconds(request.ip);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return sendProblem(reply, problem(429, 'CONSOLE_TOO_MANY_LOGINS', 'too many failed logins from this address; try again later'));
    }
    const outcome = await login(ctx, request.body.username, request.body.password);
    if (!outcome.ok) {
      limiter.fail(request.ip);
      if (outcome.reason === 'locked') {
        reply.header('retry-after', String(outcome.retryAfterSeconds ?? 60));
        return sendProblem(reply, problem(423, 'CONSOLE_ACCOUNT_LOCKED', 'this account is locked after repeated failed logins; try again later'));
      }
      return sendProblem(reply, problem(401, 'CONSOLE_LOGIN_FAILED', 'wrong user name or password'));
    }
    const { token, csrfToken } = await openSession(ctx, outcome.operator.id);
    const secure = secureRequest(ctx, request);
    reply.setCookie(cookieName(secure), token, {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: '/',
      maxAge: Math.floor(ctx.config.absoluteTimeoutMs / 1000),
    });
    return { operator: outcome.operator, csrfToken, demoClock: demoClockFor(ctx, outcome.operator.role) };
  });

  app.get('/api/session', {
    schema: { tags, operationId: 'getSession', summary: 'The current session', response: { 200: SessionAnswer } },
    onRequest: guard,
  }, async (request) => ({
    operator: request.consoleSession!.operator,
    csrfToken: request.consoleSession!.csrfToken,
    demoClock: demoClockFor(ctx, request.consoleSession!.operator.role),
  }));

  app.delete('/api/session', {
    schema: { tags, operationId: 'logout', summary: 'Log out', response: { 204: z.null() } },
    onRequest: guard,
  }, async (request, reply) => {
    await closeSession(ctx, request.consoleSession!.tokenHash);
    const secure = secureRequest(ctx, request);
    reply.clearCookie(cookieName(secure), { path: '/', httpOnly: true, sameSite: 'strict', secure });
    return reply.code(204).send(null);
  });
}

/** Whether the console shows this operator the demo clock: configured, and the role may call it. */
function demoClockFor(ctx: ConsoleContext, role: Role): boolean {
  return ctx.config.demoClockUrl !== undefined && DEMO_CLOCK_OPERATIONS.every((op) => op.roles.includes(role));
}
