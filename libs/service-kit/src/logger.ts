import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type Logger, type LoggerOptions } from 'pino';
import { redactRequestUrl, redactText } from './redact.ts';

export type { Logger } from 'pino';

const secretFields = [
  'password',
  'authPassword',
  'secret',
  'callbackSecret',
  'clientSecret',
  'credentials',
  'document',
  'cpf',
  'cnpj',
  'apiKey',
];
const secretHeaders = ['authorization', '["x-api-key"]', 'cookie'];

/**
 * Paths pino blanks out in a log line: secret fields at the top level and one level down, and
 * credential headers of a `headers` object logged at either depth (`req.headers.authorization`). Secrets, passwords and CPF/CNPJ
 * never reach the logs; request URLs pass through `redactRequestUrl` (personal query parameters,
 * the callback secret).
 */
export const redactedPaths: readonly string[] = [
  ...secretFields.flatMap((field) => [field, `*.${field}`]),
  ...secretHeaders.flatMap((header) => [`headers.${header}`, `*.headers.${header}`]),
];

export interface LoggerConfig {
  readonly name: string;
  readonly level: string;
  /** Rewrites URLs before they are logged, after the shared rule (`redactRequestUrl`) has. */
  readonly redactUrl?: (url: string) => string;
  /** Where to write; defaults to stdout. Tests pass a stream to read what was logged. */
  readonly destination?: NodeJS.WritableStream;
}

/**
 * The active trace as log fields (`trace_id`, `span_id`, `trace_flags`, the OpenTelemetry names for
 * JSON logs), so a log line leads to its trace and back. Empty outside a trace.
 */
export function traceFields(): Record<string, string> {
  const span = trace.getSpanContext(context.active());
  if (!span || !isSpanContextValid(span)) return {};
  return { trace_id: span.traceId, span_id: span.spanId, trace_flags: span.traceFlags.toString(16).padStart(2, '0') };
}

/** JSON logs with secrets redacted, carrying the active trace's ids. */
export function createLogger(config: LoggerConfig): Logger {
  const redactUrl = (url: string) => (config.redactUrl ?? ((same: string) => same))(redactRequestUrl(url));
  const options: LoggerOptions = {
    name: config.name,
    level: config.level,
    mixin: traceFields,
    redact: { paths: [...redactedPaths], censor: '[redacted]' },
    serializers: {
      req: (req: { method?: string; url?: string; id?: string; ip?: string }) => ({
        method: req.method,
        url: req.url === undefined ? undefined : redactUrl(req.url),
        id: req.id,
        remoteAddress: req.ip,
      }),
      res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
      // Error messages may quote the request's input.
      err: (error: unknown) => {
        if (!(error instanceof Error)) return error;
        const serialized = pino.stdSerializers.err(error);
        return { ...serialized, message: redactText(serialized.message), ...(serialized.stack ? { stack: redactText(serialized.stack) } : {}) };
      },
    },
  };
  return config.destination ? pino(options, config.destination as pino.DestinationStream) : pino(options);
}
