// Telemetry first (see support/trace-telemetry.ts): this import must stay above the others.
import { processor, reader, spans, telemetry } from './support/trace-telemetry.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SpanKind, trace } from '@opentelemetry/api';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { connectNatsBus, createMemoryBus } from '@sva/bus';
import { enqueue, OutboxRelay } from '@sva/outbox';
import { consumeEvents, createHttpApp, createLogger, on, traceFields } from '@sva/service-kit';
import { provisionDatabase, resolveNats } from '@sva/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pointsOf, seriesNames, serviceMetricsInRules, total } from './support/metrics.ts';
import { pgSqlClient } from '@sva/db';

const migrationsDir = fileURLToPath(new URL('./fixtures/migrations', import.meta.url));
const nats = await resolveNats();
const subject = 'trace.note.created.v1';

/** What the consumer saw while handling a delivery. */
interface Handled {
  readonly id: string;
  readonly traceId: string | undefined;
  readonly logTraceId: string | undefined;
  readonly deliveryCount: number;
}

/**
 * One trace across the whole asynchronous path, with the in-memory exporter: an HTTP request
 * served by service-kit's fastify app writes a row and its event in one transaction (libs/outbox
 * keeps the trace context with the row), the relay publishes it (W3C context in the message
 * headers, libs/bus), and the consumer (service-kit's consumeEvents) handles it inside the same
 * trace. The same run checks the metrics of each step.
 */
describe(`trace context from HTTP through the outbox and the bus to the consumer (bus: ${nats.url ? `NATS, ${nats.source}` : 'in-process: no NATS available'})`, () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  const handled: Handled[] = [];
  const logged: string[] = [];
  let baseUrl: string;

  beforeAll(async () => {
    const logger = createLogger({
      name: 'trace-test',
      level: 'info',
      destination: new Writable({
        write(chunk: Buffer, _encoding, callback) {
          logged.push(chunk.toString());
          callback();
        },
      }),
    });
    const database = await provisionDatabase({ migrationsDir, label: 'trace' });
    cleanups.push(() => database.drop());
    const db = pgSqlClient(database.url, database.poolMax);
    cleanups.unshift(() => db.end());
    const bus = nats.url ? await connectNatsBus({ servers: nats.url, prefix: nats.prefix }) : createMemoryBus();
    cleanups.unshift(() => bus.close(), () => nats.stop());
    await bus.ensureStream({ name: 'TRACE', subjects: ['trace.>'] });

    const relay = new OutboxRelay({ db, bus, logger, pollIntervalMs: 50 });
    await relay.start();
    cleanups.unshift(() => relay.stop());

    const consumer = await consumeEvents(bus, {
      spec: { stream: 'TRACE', durable: 'trace-test' },
      logger,
      retryDelayMs: () => 50,
      routes: {
        [subject]: on(z.object({ id: z.string(), text: z.string() }), async (event, context) => {
          if (event.text === 'fail once' && context.deliveryCount === 1) throw new Error('first delivery fails on purpose');
          logger.info({ noteId: event.id }, 'note handled');
          handled.push({ id: event.id, traceId: trace.getActiveSpan()?.spanContext().traceId, logTraceId: traceFields()['trace_id'], deliveryCount: context.deliveryCount });
        }),
      },
    });
    cleanups.unshift(() => consumer.stop());

    const { app } = createHttpApp({ name: 'trace-test', version: '0.0.0', logger, readiness: async () => ({ ready: true, checks: {} }) });
    app.post('/v1/notes', { schema: { body: z.object({ text: z.string() }) } }, async (request, reply) => {
      const id = randomUUID();
      await db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('INSERT INTO note (id, text) VALUES ($1, $2)', id, request.body.text);
        await enqueue(tx, { subject, payload: { id, text: request.body.text } });
      });
      relay.kick();
      return reply.code(201).send({ id });
    });
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    cleanups.unshift(() => app.close());
  });

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    await telemetry.shutdown();
  });

  /**
   * POST a note as a caller already inside a trace would (an ingress, another service). Through
   * node:http, not fetch: in this process fetch is instrumented and would add its own traceparent.
   */
  async function postNote(traceId: string, text = 'hello'): Promise<string> {
    const body = JSON.stringify({ text });
    const { status, payload } = await new Promise<{ status: number; payload: string }>((resolve, reject) => {
      const request = http.request(
        `${baseUrl}/v1/notes`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } },
        (response) => {
          let data = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (data += chunk)).on('end', () => resolve({ status: response.statusCode ?? 0, payload: data }));
        },
      );
      request.on('error', reject).end(body);
    });
    expect(status).toBe(201);
    return (JSON.parse(payload) as { id: string }).id;
  }

  async function handledOf(id: string, deliveries = 1): Promise<Handled> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const found = handled.find((h) => h.id === id && h.deliveryCount >= deliveries);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`note ${id} was not handled in time`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  const spansOf = (traceId: string) => spans.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
  const parentOf = (span: ReadableSpan, all: readonly ReadableSpan[]) => all.find((candidate) => candidate.spanContext().spanId === span.parentSpanContext?.spanId);

  it('when a request carrying a traceparent writes a note, then the consumer handles its event in the same trace, under the publish span, itself under the request', async () => {
    const traceId = randomBytes(16).toString('hex');
    const id = await postNote(traceId);
    const seen = await handledOf(id);
    expect(seen.traceId).toBe(traceId);
    expect(seen.logTraceId).toBe(traceId);

    // The consumer span ends after the handler returns: wait for it.
    const deadline = Date.now() + 10_000;
    while (!spansOf(traceId).some((s) => s.kind === SpanKind.CONSUMER) && Date.now() < deadline) {
      // Spans wait for the resource's asynchronous attributes before they reach the exporter.
      await processor.forceFlush();
      await new Promise((r) => setTimeout(r, 25));
    }
    await processor.forceFlush();
    const all = spansOf(traceId);
    const server = all.find((s) => s.kind === SpanKind.SERVER);
    const producer = all.find((s) => s.kind === SpanKind.PRODUCER && s.name === `${subject} publish`);
    const consumer = all.find((s) => s.kind === SpanKind.CONSUMER && s.name === `${subject} process`);
    expect(server?.attributes['http.route']).toBe('/v1/notes');
    expect(producer?.attributes['messaging.system']).toBe(nats.url ? 'nats' : 'memory');
    expect(consumer?.parentSpanContext?.spanId).toBe(producer?.spanContext().spanId);
    // The relay published from another async context: the producer's ancestry still leads back to the request.
    const ancestors: ReadableSpan[] = [];
    for (let span = producer && parentOf(producer, all); span; span = parentOf(span, all)) ancestors.push(span);
    expect(ancestors).toContain(server);
    // The database work of the request is in the trace too (pg spans, under the request).
    const insert = all.find((s) => s.instrumentationScope.name === '@opentelemetry/instrumentation-pg' && s.name.startsWith('pg.query:INSERT'));
    expect(insert).toBeDefined();
  });

  it('when a handler fails on the first delivery, then the redelivery is handled in the same trace, and the consumer counts the retry and the redelivery', async () => {
    const traceId = randomBytes(16).toString('hex');
    const id = await postNote(traceId, 'fail once');
    const seen = await handledOf(id, 2);
    expect(seen).toMatchObject({ traceId, deliveryCount: 2 });
    const metrics = await reader.collect();
    const consumer = { 'messaging.consumer.group.name': 'trace-test', 'messaging.destination.name': subject };
    expect(total(metrics, 'sva.consumer.redeliveries', consumer)).toBeGreaterThanOrEqual(1);
    expect(total(metrics, 'sva.consumer.messages', { ...consumer, outcome: 'retry' })).toBeGreaterThanOrEqual(1);
  });

  it('when notes have been written and handled, then the request, outbox and consumer metrics report them, and probes are not counted', async () => {
    const id = await postNote(randomBytes(16).toString('hex'));
    await handledOf(id);
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
    // The relay marks rows published after the bus acknowledged them: poll the backlog down to 0.
    let metrics = await reader.collect();
    const deadline = Date.now() + 10_000;
    while ((pointsOf(metrics, 'sva.outbox.backlog')[0]?.value ?? 1) !== 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      metrics = await reader.collect();
    }
    expect(total(metrics, 'http.server.request.duration', { 'http.route': '/v1/notes', 'http.request.method': 'POST', 'http.response.status_code': 201 })).toBeGreaterThanOrEqual(3);
    expect(pointsOf(metrics, 'http.server.request.duration').filter((point) => point.attributes['http.route'] === '/readyz')).toEqual([]);
    expect(pointsOf(metrics, 'sva.outbox.backlog').map((point) => point.value)).toEqual([0]);
    expect(pointsOf(metrics, 'sva.outbox.oldest_age').map((point) => point.value)).toEqual([0]);
    expect(total(metrics, 'sva.outbox.published')).toBeGreaterThanOrEqual(3);
    const consumer = { 'messaging.consumer.group.name': 'trace-test', 'messaging.destination.name': subject };
    expect(total(metrics, 'sva.consumer.messages', { ...consumer, outcome: 'handled' })).toBeGreaterThanOrEqual(3);
    expect(total(metrics, 'sva.consumer.lag', consumer)).toBeGreaterThanOrEqual(3);
    expect(total(metrics, 'messaging.process.duration', consumer)).toBeGreaterThanOrEqual(3);

    // The alert rules query these metrics by their Prometheus names: each must exist.
    const rules = readFileSync(fileURLToPath(new URL('../../../deploy/observability/prometheus-rules.yaml', import.meta.url)), 'utf8');
    const referenced = serviceMetricsInRules(rules);
    expect(referenced.length).toBeGreaterThanOrEqual(6);
    const exported = seriesNames(new PrometheusSerializer().serialize(metrics.resourceMetrics));
    expect(referenced.filter((name) => !exported.has(name))).toEqual([]);
  });
});
