import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { type DataPoint, type Histogram, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpApp, entryPointSampler, startTelemetry, telemetrySignals, traceFields } from '../src/index.ts';
import { captureLogs } from './support/capture-logs.ts';

class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const spans = new InMemorySpanExporter();
const processor = new SimpleSpanProcessor({ exporter: spans });
const reader = new CollectingReader();
const telemetry = startTelemetry('service-kit-test', {}, { spanProcessors: [processor], metricReaders: [reader] });
afterAll(() => telemetry.shutdown());

describe('telemetrySignals', () => {
  it('when nothing is configured, then neither traces nor metrics are exported (a laptop run reaches for no collector)', () => {
    expect(telemetrySignals({})).toEqual({ traces: false, metrics: false });
  });

  it('when only Prometheus metrics are asked for, then traces stay off', () => {
    expect(telemetrySignals({ OTEL_METRICS_EXPORTER: 'prometheus' })).toEqual({ traces: false, metrics: true });
  });

  it('when an OTLP endpoint is set, then both signals go to it unless an exporter variable says none', () => {
    expect(telemetrySignals({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({ traces: true, metrics: true });
    expect(telemetrySignals({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'prometheus' })).toEqual({ traces: false, metrics: true });
  });

  it('when OTEL_SDK_DISABLED is true, then everything is off whatever else is set', () => {
    expect(telemetrySignals({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'prometheus' })).toEqual({ traces: false, metrics: false });
    expect(startTelemetry('x', { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }).enabled).toBe(false);
  });
});

describe('entryPointSampler', () => {
  const sampler = entryPointSampler();
  const decide = (kind: SpanKind, parent = ROOT_CONTEXT) => sampler.shouldSample(parent, '0af7651916cd43dd8448eb211c80319c', 'span', kind, {}, []).decision;
  const parent = (sampled: boolean) =>
    trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: sampled ? 1 : 0, isRemote: true });

  it('when a span starts a trace, then it is kept only if it is an entry point (request served, message handled or published)', () => {
    expect([SpanKind.SERVER, SpanKind.CONSUMER, SpanKind.PRODUCER].map((kind) => decide(kind))).toEqual([2, 2, 2]);
    // The outbox relay's polling and readiness probes' queries: database or internal roots.
    expect([SpanKind.CLIENT, SpanKind.INTERNAL].map((kind) => decide(kind))).toEqual([0, 0]);
  });

  it("when a span has a parent, then it follows the parent's decision whatever its kind", () => {
    expect(decide(SpanKind.CLIENT, parent(true))).toBe(2);
    expect(decide(SpanKind.SERVER, parent(false))).toBe(0);
  });
});

describe('logs and metrics under telemetry', () => {
  it('when something is logged inside a span, then the line carries its trace and span ids; outside, none', () => {
    const logs = captureLogs({ level: 'info' });
    const tracer = trace.getTracer('test');
    const ids = tracer.startActiveSpan('work', { kind: SpanKind.SERVER }, (span) => {
      logs.logger.info('inside');
      span.end();
      return span.spanContext();
    });
    logs.logger.info('outside');
    const [inside, outside] = logs.lines();
    expect(inside).toMatchObject({ msg: 'inside', trace_id: ids.traceId, span_id: ids.spanId, trace_flags: '01' });
    expect(outside).not.toHaveProperty('trace_id');
    expect(traceFields()).toEqual({});
  });

  it('when requests are served, then http.server.request.duration counts them by route pattern, method and status, leaving probes out', async () => {
    const logs = captureLogs({ level: 'silent' });
    const { app } = createHttpApp({ name: 'metrics', version: '0.0.0', logger: logs.logger, readiness: async () => ({ ready: true, checks: {} }) });
    app.get('/v1/things/:id', async (request, reply) => (request.params as { id: string }).id === 'boom' ? reply.code(503).send({}) : { ok: true });
    await app.ready();
    for (const url of ['/v1/things/1', '/v1/things/2', '/v1/things/boom', '/v1/nothing', '/readyz', '/livez']) await app.inject({ method: 'GET', url });
    await app.close();
    const { resourceMetrics } = await reader.collect();
    const points = resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .filter((metric) => metric.descriptor.name === 'http.server.request.duration')
      .flatMap((metric) => metric.dataPoints as Array<DataPoint<Histogram>>)
      .map((point): Record<string, unknown> => ({ ...point.attributes, count: point.value.count }));
    expect(points).toEqual(
      expect.arrayContaining([
        { 'http.request.method': 'GET', 'http.route': '/v1/things/:id', 'http.response.status_code': 200, count: 2 },
        { 'http.request.method': 'GET', 'http.route': '/v1/things/:id', 'http.response.status_code': 503, 'error.type': '503', count: 1 },
        { 'http.request.method': 'GET', 'http.response.status_code': 404, count: 1 },
      ]),
    );
    expect(points.some((point) => point['http.route'] === '/readyz' || point['http.route'] === '/livez')).toBe(false);
    await processor.forceFlush();
    // The requests were traced as SERVER spans too; the probes were not.
    const served = spans.getFinishedSpans().filter((span) => span.kind === SpanKind.SERVER).map((span) => span.attributes['url.path']);
    expect(served).toEqual(expect.arrayContaining(['/v1/things/1']));
    expect(served).not.toContain('/readyz');
  });
});
