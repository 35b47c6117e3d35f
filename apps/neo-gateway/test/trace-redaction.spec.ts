import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { startTelemetry, type Telemetry } from '@sva/service-kit';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { redactCallbackUrl } from '../src/http/redact.ts';
import { cpf, entitlementRecord, integrationId, secret, subscriberId } from './fixtures.ts';
import type { TestGateway } from './gateway.ts';

/**
 * R3: the callback URL holds the integration's secret; request spans record the URL. With the
 * service kit's telemetry on (its instrumentations, an in-memory exporter), real HTTP calls must
 * leave spans whose attributes and names never hold the secret.
 */
/** A plain HTTP call, as NEO makes it (no trace context of ours: node's http client is not instrumented). */
function call(url: string, method = 'GET', body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('traces never carry the callback secret (R3)', () => {
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor({ exporter });
  let telemetry: Telemetry;
  let gateway: TestGateway;
  let url: string;

  beforeAll(async () => {
    // As main.ts starts it, with an in-memory exporter.
    telemetry = startTelemetry('neo-gateway', {}, { spanProcessors: [processor], redactUrl: redactCallbackUrl });
    // As in main.ts: the service's modules load after telemetry has started, so it can instrument them.
    const { startTestGateway } = await import('./gateway.ts');
    gateway = await startTestGateway({ entitlements: [entitlementRecord({ n: 1 })] });
    url = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await gateway.stop();
    await telemetry.shutdown();
  });

  it('when NEO calls identify and authorise (and gets it wrong), then every span has the secret redacted', async () => {
    expect(telemetry.enabled).toBe(true);
    const base = `${url}/v1/callback/${integrationId}/${secret}`;
    const statuses = [
      await call(`${base}/identify`, 'POST', JSON.stringify({ login: cpf(1), password: cpf(1) })),
      await call(`${base}/authorise?subscriber_id=${subscriberId(1)}&product=mumo`),
      await call(`${base}/authorise?subscriber_id=${subscriberId(1)}&product=NOT_VALID`),
      await call(`${base}/elsewhere`),
      await call(`${url}/v1/callback/${integrationId}/${secret}`),
    ];
    expect(statuses).toEqual([200, 200, 400, 404, 404]);

    // A request span ends in its response hook, which may run after the client has its answer.
    const requestSpans = async () => {
      await processor.forceFlush();
      return exporter.getFinishedSpans().filter((span) => span.kind !== SpanKind.CLIENT && span.name === 'request');
    };
    await vi.waitFor(async () => expect((await requestSpans()).length).toBeGreaterThanOrEqual(5));
    const spans = exporter.getFinishedSpans().filter((span) => span.kind !== SpanKind.CLIENT);
    const paths = spans.map((span) => span.attributes['url.path']).filter((path) => path !== undefined);
    expect(paths).toContain(`/v1/callback/${integrationId}/[redacted]/authorise?subscriber_id=${subscriberId(1)}&product=mumo`);
    expect(paths).toContain(`/v1/callback/${integrationId}/[redacted]/identify`);
    expect(spans.map((span) => span.attributes['http.route'])).toContain('/v1/callback/:integrationId/:secret/authorise');
    for (const span of spans) {
      expect(JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events }), span.name).not.toContain(secret);
    }
  });
});
