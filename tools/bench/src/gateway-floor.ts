import { createHttpApp, createLogger } from '@sva/service-kit';
import { quickChildLogger } from '@sva/neo-gateway';

/**
 * A third reference for the gateway benchmark, run as its own process: the service kit's app as
 * every service builds it (problem+json, request ids, request metrics, pino with redaction, the
 * gateway's quiet per-request logging) with one route shaped like authorise that sends a prepared
 * answer. The gap bare fastify → this is the platform's; this → the gateway is the gateway's own.
 */
const { app } = createHttpApp({
  name: 'floor',
  version: '1',
  logger: createLogger({ name: 'floor', level: 'info' }),
  readiness: async () => ({ ready: true, checks: {} }),
  quietRequests: () => true,
});
const answer = JSON.stringify({ allowed: true, reason: 'subscribed', ttl_seconds: 300 });
app.get('/v1/callback/:integrationId/:secret/authorise', { childLoggerFactory: quickChildLogger as never }, (_request, reply): void => {
  reply.type('application/json; charset=utf-8').send(answer);
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url })}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
