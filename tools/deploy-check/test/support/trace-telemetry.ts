import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { startTelemetry } from '@sva/service-kit';
import { CollectingReader } from './metrics.ts';

/**
 * Telemetry for an in-process test, started when this module is evaluated: import it FIRST, as
 * main.ts starts telemetry before loading the service, so that the pg instrumentation patches the
 * driver before anything loads it.
 */
export const spans = new InMemorySpanExporter();
export const processor = new SimpleSpanProcessor({ exporter: spans });
export const reader = new CollectingReader();
export const telemetry = startTelemetry('trace-test', {}, { spanProcessors: [processor], metricReaders: [reader] });
