import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';

const chindings = pino.symbols.chindingsSym;

/**
 * A per-request child logger for the hot routes, made in ~0.1 µs instead of pino's `child()`,
 * which runs the service's redaction over the bindings (~4 µs with the service kit's redact paths,
 * a tenth of a request's budget). The child inherits everything from the app's logger (level,
 * serializers, redaction of what is logged, the trace mixin) and only adds its bindings
 * (`reqId`) to the serialised prefix, as pino's own `child()` does; bindings are JSON-encoded,
 * and the request id they carry is generated or checked by the service kit.
 *
 * Route-level options that change the child (a `logLevel`, serializers) get pino's `child()`.
 */
export function quickChildLogger(logger: FastifyBaseLogger, bindings: Record<string, unknown>, options: Record<string, unknown>): FastifyBaseLogger {
  if (Object.keys(options).length > 0 || !(chindings in logger)) return logger.child(bindings, options);
  let prefix = (logger as unknown as Record<symbol, string>)[chindings] ?? '';
  for (const key of Object.keys(bindings)) prefix += `,${JSON.stringify(key)}:${JSON.stringify(bindings[key])}`;
  const child = Object.create(logger) as FastifyBaseLogger & Record<symbol, string>;
  child[chindings] = prefix;
  return child;
}
