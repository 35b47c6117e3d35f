import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { problem, sendProblem, type HttpApp } from '@sva/service-kit';

/**
 * Serves the built web app from `webDir`: its files (hashed assets cached for a year), and
 * `index.html` for every other GET outside `/api`, so the app's own routes load on refresh.
 */
export async function webRoutes(app: HttpApp, webDir: string): Promise<void> {
  await app.register(fastifyStatic as unknown as (instance: FastifyInstance, options: Record<string, unknown>) => Promise<void>, {
    root: webDir,
    serve: false,
  });
  const index = path.join(webDir, 'index.html');
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const wanted = decodeURIComponent((request.params as { '*': string })['*']);
    if (wanted.startsWith('api/')) return sendProblem(reply, problem(404, 'HTTP_ROUTE_NOT_FOUND', `no route GET /${wanted}`));
    const file = path.join(webDir, wanted);
    if (wanted !== '' && file.startsWith(webDir + path.sep) && existsSync(file)) {
      const immutable = wanted.startsWith('assets/');
      return reply.sendFile(wanted, { maxAge: immutable ? 365 * 86_400_000 : 0, immutable });
    }
    if (!existsSync(index)) return sendProblem(reply, problem(503, 'CONSOLE_WEB_NOT_BUILT', 'the web app is not built (npx nx build console)'));
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
