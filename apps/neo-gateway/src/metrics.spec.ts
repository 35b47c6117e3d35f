import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { createGatewayMetrics } from './metrics.ts';

class TestReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

async function collect(reader: TestReader): Promise<Map<string, Array<{ value: unknown; attributes: Record<string, unknown> }>>> {
  const { resourceMetrics } = await reader.collect();
  const out = new Map<string, Array<{ value: unknown; attributes: Record<string, unknown> }>>();
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) out.set(metric.descriptor.name, metric.dataPoints.map((p) => ({ value: p.value, attributes: p.attributes })));
  }
  return out;
}

describe('gateway metrics', () => {
  it('when decisions and identifies are counted, then they are exported by reason and outcome, with the view, staleness, bootstrap and audit gauges', async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    let staleness = 0;
    const metrics = createGatewayMetrics(
      {
        view: () => ({ subscribers: 1_000_000, logins: 1_000_001, integrations: 2, bytes: 150_000_000 }),
        freshness: () => ({ stalenessSeconds: staleness, lastChangeAgeSeconds: 4 }),
        bootstrapSeconds: () => 2.5,
        audit: () => ({ buffered: 10, published: 990, dropped: 3 }),
      },
      provider.getMeter('test'),
    );
    metrics.decided('subscribed');
    metrics.decided('subscribed');
    metrics.decided('view_stale');
    metrics.identified('throttled');
    staleness = 42;
    const seen = await collect(reader);
    const decisions = seen.get('gateway.authorise.decisions')!;
    expect(decisions.find((p) => p.attributes['reason'] === 'subscribed')).toEqual({ value: 2, attributes: { reason: 'subscribed', allowed: true } });
    expect(decisions.find((p) => p.attributes['reason'] === 'view_stale')).toEqual({ value: 1, attributes: { reason: 'view_stale', allowed: false } });
    expect(seen.get('gateway.identify.outcomes')!.find((p) => p.attributes['outcome'] === 'throttled')?.value).toBe(1);
    expect(seen.get('gateway.view.subscribers')![0]!.value).toBe(1_000_000);
    expect(seen.get('gateway.view.staleness')![0]!.value).toBe(42);
    expect(seen.get('gateway.view.last_change_age')![0]!.value).toBe(4);
    expect(seen.get('gateway.view.bootstrap.duration')![0]!.value).toBe(2.5);
    expect(seen.get('gateway.audit.dropped')![0]!.value).toBe(3);
    await provider.shutdown();
  });
});
