import {
  type Attributes,
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';
import type { Headers } from './port.ts';

/**
 * W3C trace context across the bus, shared by both adapters.
 *
 * No OpenTelemetry instrumentation exists for NATS, so the adapters do it themselves: outgoing
 * messages carry the active context in `traceparent`/`tracestate` headers, incoming ones are handled
 * inside a span whose parent is that context. Without a registered SDK the API is a no-op and this
 * costs a few object allocations per message.
 */

const tracer = trace.getTracer('@sva/bus');

/** Which bus the spans describe (`messaging.system`). */
export type MessagingSystem = 'nats' | 'memory';

/** What kind of outgoing message: a durable publish (PRODUCER) or a request (CLIENT). */
export type OutgoingKind = 'publish' | 'request';

/** What kind of incoming message: a durable delivery (CONSUMER) or a request to answer (SERVER). */
export type IncomingKind = 'process' | 'reply';

function hasTraceContext(headers: Headers | undefined): headers is Headers {
  return headers !== undefined && typeof headers['traceparent'] === 'string';
}

function endWith(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/**
 * Run `send` inside a PRODUCER (publish) or CLIENT (request) span named `<subject> <kind>` and hand
 * it the headers to send: the caller's headers plus the span's trace context.
 *
 * The parent is the active context, unless the caller's headers already carry a `traceparent`
 * (the outbox relays the context captured when its row was written): then that one is the parent,
 * so the caller's trace is continued rather than lost.
 */
export function traceOutgoing<T>(
  message: {
    readonly system: MessagingSystem;
    readonly kind: OutgoingKind;
    readonly subject: string;
    readonly headers: Headers | undefined;
    readonly msgId?: string;
  },
  send: (headers: Record<string, string>) => Promise<T>,
): Promise<T> {
  const { system, kind, subject, headers, msgId } = message;
  const parent: Context = hasTraceContext(headers)
    ? propagation.extract(context.active(), headers)
    : context.active();
  const attributes: Attributes = {
    'messaging.system': system,
    'messaging.destination.name': subject,
    'messaging.operation.type': 'send',
  };
  if (msgId !== undefined) attributes['messaging.message.id'] = msgId;
  const spanKind = kind === 'publish' ? SpanKind.PRODUCER : SpanKind.CLIENT;
  return tracer.startActiveSpan(`${subject} ${kind}`, { kind: spanKind, attributes }, parent, async (span) => {
    const carrier: Record<string, string> = { ...headers };
    propagation.inject(context.active(), carrier);
    try {
      return await send(carrier);
    } catch (error) {
      endWith(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Run `handle` inside a CONSUMER (process) or SERVER (reply) span named `<subject> <kind>`, whose
 * parent is the trace context found in the message headers (none: a new trace). A thrown error is
 * recorded on the span and rethrown.
 */
export function traceIncoming<T>(
  message: {
    readonly system: MessagingSystem;
    readonly kind: IncomingKind;
    readonly subject: string;
    readonly headers: Headers;
    /** Extra span attributes, e.g. the consumer's durable name. */
    readonly attributes?: Attributes;
  },
  handle: () => Promise<T>,
): Promise<T> {
  const { system, kind, subject, headers } = message;
  // From the root, not the active context: a delivery belongs to its publisher's trace only.
  const parent = hasTraceContext(headers) ? propagation.extract(ROOT_CONTEXT, headers) : ROOT_CONTEXT;
  const attributes: Attributes = {
    'messaging.system': system,
    'messaging.destination.name': subject,
    'messaging.operation.type': kind === 'process' ? 'process' : 'receive',
    ...message.attributes,
  };
  const spanKind = kind === 'process' ? SpanKind.CONSUMER : SpanKind.SERVER;
  return tracer.startActiveSpan(`${subject} ${kind}`, { kind: spanKind, attributes }, parent, async (span) => {
    try {
      return await handle();
    } catch (error) {
      endWith(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}
