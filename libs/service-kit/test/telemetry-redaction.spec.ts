import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { expect, it } from 'vitest';
import { createHttpApp, startTelemetry } from '../src/index.ts';
import { captureLogs } from './support/capture-logs.ts';

// One SDK per process: its fastify instrumentation decorates every app created after it starts.
const spans = new InMemorySpanExporter();
const processor = new SimpleSpanProcessor({ exporter: spans });
const telemetry = startTelemetry('gateway', {}, {
  spanProcessors: [processor],
  redactUrl: (url) => url.replace(/\/callback\/([^/]+)\/[^/?]+/, '/callback/$1/[redacted]'),
});

it('when redactUrl is given, then request spans record the rewritten URL, never the secret in it (R3)', async () => {
  const { app } = createHttpApp({ name: 'gateway', version: '0.0.0', logger: captureLogs({ level: 'silent' }).logger, readiness: async () => ({ ready: true, checks: {} }) });
  app.get('/v1/callback/:integration/:secret/authorise', async () => ({ allowed: true }));
  await app.inject({ method: 'GET', url: '/v1/callback/i-1/hunter2-secret/authorise?subscriber_id=s' });
  await app.close();
  await processor.forceFlush();
  const recorded = spans.getFinishedSpans().map((span) => span.attributes);
  await telemetry.shutdown();
  expect(recorded.map((attributes) => attributes['url.path']).filter(Boolean)).toEqual(['/v1/callback/i-1/[redacted]/authorise?subscriber_id=s']);
  expect(JSON.stringify(recorded)).not.toContain('hunter2');
});
