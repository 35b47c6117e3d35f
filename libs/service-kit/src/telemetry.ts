import { FastifyOtelInstrumentation } from '@fastify/otel';
import { type Attributes, type Context, type Exception, type Link, type Span, SpanKind, type SpanStatus } from '@opentelemetry/api';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import { ParentBasedSampler, type Sampler, SamplingDecision, type SamplingResult, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { PrismaInstrumentation } from '@prisma/instrumentation';
import { redactRequestUrl, redactText } from './redact.ts';

/** A started telemetry pipeline; `shutdown` flushes what is buffered. */
export interface Telemetry {
  readonly enabled: boolean;
  shutdown(): Promise<void>;
}

/** Where spans and metrics go instead of the exporters the `OTEL_*` variables name (tests use in-memory ones). */
export interface TelemetryOptions {
  readonly spanProcessors?: SpanProcessor[];
  readonly metricReaders?: IMetricReader[];
  /** Rewrites request URLs before request spans record them, after the shared rule (`redactRequestUrl`) has. */
  readonly redactUrl?: (url: string) => string;
}

/** Paths probed by Kubernetes every few seconds: neither traced nor counted in the request metrics. */
export const probePaths: ReadonlySet<string> = new Set(['/livez', '/readyz']);

const off: Telemetry = { enabled: false, shutdown: async () => {} };
let current: Telemetry = off;

/**
 * Start the OpenTelemetry SDK before the app's modules load (call it first in `main.ts`, then
 * import the service dynamically, so the pg instrumentation can patch the driver).
 *
 * Exporters follow the standard variables, each signal on its own:
 * - traces when `OTEL_TRACES_EXPORTER` names one (`otlp`, `console`) or an OTLP endpoint is set
 *   (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`);
 * - metrics when `OTEL_METRICS_EXPORTER` names one (`otlp`, `prometheus` — served on
 *   `OTEL_EXPORTER_PROMETHEUS_PORT`, 9464 by default — or `console`) or an OTLP endpoint is set;
 * - logs stay on stdout as JSON (with trace ids, see `createLogger`) unless `OTEL_LOGS_EXPORTER` is set.
 *
 * Telemetry is off unless something is configured, so a laptop run does not spend its time failing
 * to reach a collector; `OTEL_SDK_DISABLED=true` forces it off.
 *
 * Spans: HTTP requests served (`@fastify/otel`, W3C `traceparent` honoured), outgoing `fetch`
 * (undici), Prisma operations and the pg queries under them; NATS publish/consume spans come from
 * `@sva/bus`. Unless `OTEL_TRACES_SAMPLER` says otherwise, a trace starts only at an entry point (see
 * {@link entryPointSampler}), so the outbox relay's polling and the readiness probes' queries do not
 * flood the backend with one-span traces.
 */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env, options: TelemetryOptions = {}): Telemetry {
  if (env.OTEL_SDK_DISABLED === 'true') return off;
  const configured = telemetrySignals(env);
  const traces = options.spanProcessors !== undefined || configured.traces;
  const metrics = options.metricReaders !== undefined || configured.metrics;
  if (!traces && !metrics) return off;
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? serviceName,
    instrumentations: [
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        ignorePaths: ({ url }) => probePaths.has(url.split('?')[0] ?? url),
        // The span starts with the raw URL; the hook runs before anything exports it.
        requestHook: (span: Span, request: { url: string }) => {
          const redacted = redactRequestUrl(request.url);
          span.setAttribute('url.path', options.redactUrl ? options.redactUrl(redacted) : redacted);
          scrubErrors(span);
        },
        lifecycleHook: (span: Span) => scrubErrors(span),
      }),
      new PgInstrumentation({ requireParentSpan: true }),
      new PrismaInstrumentation(),
      new UndiciInstrumentation(),
    ],
    // An empty list means "none" to the SDK; leaving the option out means "from the environment".
    ...(traces ? (options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}) : { spanProcessors: [] }),
    ...(metrics ? (options.metricReaders ? { metricReaders: options.metricReaders } : {}) : { metricReaders: [] }),
    ...(env.OTEL_TRACES_SAMPLER ? {} : { sampler: entryPointSampler() }),
    ...(env.OTEL_LOGS_EXPORTER ? {} : { logRecordProcessors: [] }),
  });
  sdk.start();
  const started: Telemetry = { enabled: true, shutdown: () => sdk.shutdown() };
  current = started;
  return started;
}

/**
 * Errors recorded on a request span carry their message, which may quote the request's input (a
 * domain error naming the CPF it did not find): the status message and exception events of the
 * span go through `redactText` as they are recorded.
 */
function scrubErrors(span: Span): void {
  const setStatus = span.setStatus.bind(span);
  const recordException = span.recordException.bind(span);
  span.setStatus = (status: SpanStatus) => setStatus(status.message === undefined ? status : { ...status, message: redactText(status.message) });
  span.recordException = (exception: Exception, time) => {
    if (typeof exception === 'string') return recordException(redactText(exception), time);
    const { name, message, stack, code } = exception as Error & { code?: string | number };
    const scrubbed: Exception = { name, ...(code === undefined ? {} : { code }), ...(message === undefined ? {} : { message: redactText(message) }), ...(stack === undefined ? {} : { stack: redactText(stack) }) };
    return recordException(scrubbed, time);
  };
}

/**
 * Flush and stop the telemetry `startTelemetry` started, if any, giving up after `timeoutMs` (an
 * unreachable collector must not hold the shutdown). Never rejects. `runMain` calls it last.
 */
export async function shutdownTelemetry(timeoutMs = 5_000): Promise<void> {
  const telemetry = current;
  current = off;
  if (!telemetry.enabled) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    telemetry.shutdown().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
}

/** Which signals the `OTEL_*` variables turn on (see `startTelemetry`); both off when `OTEL_SDK_DISABLED=true`. */
export function telemetrySignals(env: NodeJS.ProcessEnv): { readonly traces: boolean; readonly metrics: boolean } {
  if (env.OTEL_SDK_DISABLED === 'true') return { traces: false, metrics: false };
  return {
    traces: signalConfigured(env.OTEL_TRACES_EXPORTER, env.OTEL_EXPORTER_OTLP_ENDPOINT, env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT),
    metrics: signalConfigured(env.OTEL_METRICS_EXPORTER, env.OTEL_EXPORTER_OTLP_ENDPOINT, env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT),
  };
}

/** A signal is on when its exporter variable names something other than `none`, or an OTLP endpoint is set. */
function signalConfigured(exporter: string | undefined, ...endpoints: Array<string | undefined>): boolean {
  if (exporter !== undefined && exporter.trim() !== '') {
    return exporter.split(',').some((name) => name.trim() !== '' && name.trim() !== 'none');
  }
  return endpoints.some((endpoint) => endpoint !== undefined && endpoint.trim() !== '');
}

/** Span kinds that begin a unit of work worth a trace of its own. */
const entryKinds: ReadonlySet<SpanKind> = new Set([SpanKind.SERVER, SpanKind.CONSUMER, SpanKind.PRODUCER]);

/**
 * The default sampler: a span with a parent follows its parent's decision (W3C `traceparent` from a
 * caller included); a span without one starts a trace only when it is an entry point — an HTTP
 * request served, a message handled or published. Root database or internal spans (the outbox
 * relay polling every second, a readiness probe's `SELECT 1`) are dropped with everything under
 * them. Set `OTEL_TRACES_SAMPLER` (e.g. `parentbased_traceidratio`) to choose another.
 */
export function entryPointSampler(): Sampler {
  const root: Sampler = {
    shouldSample(_context: Context, _traceId: string, _name: string, kind: SpanKind, _attributes: Attributes, _links: Link[]): SamplingResult {
      return { decision: entryKinds.has(kind) ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD };
    },
    toString: () => 'EntryPointSampler',
  };
  return new ParentBasedSampler({ root });
}
