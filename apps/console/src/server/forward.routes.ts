import { problem, sendProblem, type HttpApp } from '@sva/service-kit';
import { SERVICES, type ServiceName } from './config.ts';
import type { ConsoleContext } from './context.ts';
import { requireSession } from './guard.ts';
import { DEMO_CLOCK, DEMO_CLOCK_OPERATIONS } from './operations.ts';

/** Request headers passed on to the service (besides the key and the actor the console sets). */
const PASSED_REQUEST_HEADERS = ['content-type', 'accept', 'idempotency-key', 'if-match', 'accept-language'];
/** Answer headers passed back to the browser. */
const PASSED_ANSWER_HEADERS = ['content-type', 'etag', 'retry-after', 'location', 'idempotent-replayed'];

const isService = (value: string): value is ServiceName => (SERVICES as readonly string[]).includes(value);

/**
 * `/api/<service>/v1/…`: forwards the browser's call to the service when the operator's role may
 * make it (see `operations.ts`), with the console's service API key and the operator's user name as
 * `X-Actor`, so the service's history records who did it. The browser never holds the key.
 */
export function forwardRoutes(app: HttpApp, ctx: ConsoleContext): void {
  const guard = requireSession(ctx);
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/api/:service/*',
    schema: { hide: true },
    onRequest: guard,
    handler: async (request, reply) => {
      const { service } = request.params as { service: string };
      const session = request.consoleSession!;
      const [pathPart, query] = splitUrl(request.url.slice(`/api/${service}`.length));
      // The demo clock is an upstream only when configured (embedded `--demo-clock`); otherwise it is unknown like any other name.
      const demoClock = service === DEMO_CLOCK && ctx.config.demoClockUrl ? ctx.config.demoClockUrl : undefined;
      if (!demoClock && !isService(service)) return sendProblem(reply, problem(404, 'CONSOLE_UNKNOWN_SERVICE', `no service "${service}"`));
      const base = demoClock ?? ctx.config.services[service as ServiceName];
      const operation = demoClock
        ? DEMO_CLOCK_OPERATIONS.find((op) => op.method === request.method && op.path === pathPart)
        : ctx.operations.find(service as ServiceName, request.method, pathPart);
      if (!operation) return sendProblem(reply, problem(404, 'CONSOLE_OPERATION_NOT_FORWARDED', `the console does not forward ${request.method} ${pathPart}`));
      if (!operation.roles.includes(session.operator.role)) {
        return sendProblem(reply, problem(403, 'CONSOLE_ROLE_FORBIDDEN', `the ${session.operator.role} role may not do ${operation.operationId}`));
      }
      const headers: Record<string, string> = {
        authorization: `Bearer ${ctx.config.serviceApiKey}`,
        // Header values travel as Latin-1: a UTF-8 user name is sent as its bytes (the services decode it back).
        'x-actor': Buffer.from(session.operator.username, 'utf8').toString('latin1'),
        'x-request-id': request.id,
      };
      for (const name of PASSED_REQUEST_HEADERS) {
        const value = request.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const hasBody = request.body !== undefined && request.method !== 'GET' && request.method !== 'DELETE';
      if (!hasBody) delete headers['content-type'];
      let answer: Response;
      try {
        answer = await ctx.fetch(`${base}${pathPart}${query}`, {
          method: request.method,
          headers,
          ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (cause) {
        request.log.warn({ err: cause, service }, 'service unreachable');
        return sendProblem(reply, problem(503, 'CONSOLE_SERVICE_UNAVAILABLE', `the ${service} service did not answer; try again shortly`));
      }
      for (const name of PASSED_ANSWER_HEADERS) {
        const value = answer.headers.get(name);
        if (value !== null) reply.header(name, value);
      }
      reply.code(answer.status);
      return reply.send(answer.status === 204 ? null : Buffer.from(await answer.arrayBuffer()));
    },
  });
}

function splitUrl(url: string): [string, string] {
  const at = url.indexOf('?');
  return at < 0 ? [url, ''] : [url.slice(0, at), url.slice(at)];
}
